import Foundation
import Testing
@testable import AlgoregKit

@Suite struct DiagnosticPrinterTests {
    let diagnostics = [
        Diagnostic(file: "Registry/systems/b.md", location: SourceLocation(line: 2, column: 9), code: .notAllowedValue,
                   message: "The field `status` is `pilto`.", fix: "Did you mean `pilot`?"),
        Diagnostic(file: "Registry/systems/a.md", location: nil, severity: .warning, code: .missingTranslation, message: "No nl, translation: yet"),
    ]

    @Test func textShowsTheLineWithACaretAndTheFix() {
        let output = DiagnosticPrinter.render(diagnostics, format: .text, checkedFiles: 2) { _ in "name: x\nstatus: pilto\n" }
        #expect(output.contains("Registry/systems/b.md:2:9: error[not-allowed-value]: The field `status` is `pilto`.\n 2 | status: pilto\n   |         ^\n  fix: Did you mean `pilot`?"))
        // Reading order: a.md before b.md.
        #expect(output.range(of: "a.md")!.lowerBound < output.range(of: "b.md")!.lowerBound)
        #expect(output.hasSuffix("1 error and 1 warning (2 files checked).\n"))
    }

    @Test func thousandsOfProblemsPrintInReadingOrderWithEachFilesLinesOnce() {
        // Rendered in runs on all cores: the runs join in order and a file is never split.
        let many = (0..<1500).map { index in
            Diagnostic(file: "Registry/systems/s\(String(format: "%04d", index / 3)).md", location: SourceLocation(line: 1 + index % 3, column: 1),
                       code: .notAllowedValue, message: "Problem \(index % 3).")
        }
        let output = DiagnosticPrinter.render(many.shuffled(), format: .text, checkedFiles: 500) { path in "line one of \(path)\nline two\nline three\n" }
        let headers = output.split(separator: "\n").filter { $0.hasPrefix("Registry/") }
        #expect(headers.count == 1500)
        #expect(headers == headers.sorted { a, b in
            let (fa, la) = (a.split(separator: ":")[0], Int(a.split(separator: ":")[1])!)
            let (fb, lb) = (b.split(separator: ":")[0], Int(b.split(separator: ":")[1])!)
            return fa != fb ? fa < fb : la < lb
        })
        #expect(output.components(separatedBy: " 1 | line one of Registry/systems/s0321.md\n").count == 2)
        #expect(output.hasSuffix("\n1500 errors and 0 warnings (500 files checked).\n"))
    }

    @Test func jsonIsDocumentedShape() throws {
        let output = DiagnosticPrinter.render(diagnostics, format: .json, checkedFiles: 2)
        let document = try Value.parseJSON(Array(output.utf8))
        #expect(document["version"] == Value(.integer(1)))
        #expect(document["errors"] == Value(.integer(1)))
        let first = try #require(document["diagnostics"]?.array?.last)
        #expect(first["line"] == Value(.integer(2)))
        #expect(first["code"]?.string == "not-allowed-value")
        #expect(first["fix"]?.string == "Did you mean `pilot`?")
        #expect(document["diagnostics"]?.array?.first?["line"]?.isNull == true)
    }

    @Test func githubAnnotationsEscapeTheirProperties() {
        let output = DiagnosticPrinter.render(diagnostics, format: .github, checkedFiles: 2)
        #expect(output.contains("::error file=Registry/systems/b.md,line=2,col=9,title=not-allowed-value::The field `status` is `pilto`.%0AFix: Did you mean `pilot`?\n"))
        #expect(output.contains("::warning file=Registry/systems/a.md,title=missing-translation::No nl, translation: yet\n"))
    }

    @Test func gitlabCodeQualityHasStableFingerprints() throws {
        let first = DiagnosticPrinter.render(diagnostics, format: .gitlab, checkedFiles: 2)
        #expect(first == DiagnosticPrinter.render(diagnostics, format: .gitlab, checkedFiles: 2))
        let items = try #require(try Value.parseJSON(Array(first.utf8)).array)
        #expect(items.count == 2)
        #expect(items.last?["location"]?["lines"]?["begin"] == Value(.integer(2)))
        #expect(items.last?["severity"]?.string == "major")
        #expect(Set(items.compactMap { $0["fingerprint"]?.string }).count == 2)
    }

    @Test func suggestionsToleratesTyposAndTranspositions() {
        #expect(Suggest.closest(to: "human_oversigth", in: ["human_oversight", "monitoring"]) == "human_oversight")
        #expect(Suggest.closest(to: "Operational", in: ["pilot", "operational"]) == "operational")
        #expect(Suggest.closest(to: "colour", in: ["status", "department"]) == nil)
    }
}

@Suite struct MarkdownRendererTests {
    @Test func rendersGFMTablesWithStyleAttributes() {
        let html = MarkdownRenderer.html("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
        #expect(html.contains("<table>"))
        #expect(html.contains("style=\"text-align: right\""))
        #expect(!html.contains("align=\""))
    }

    @Test func dropsRawHTMLAndUnsafeLinks() {
        let html = MarkdownRenderer.html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](ftp://host/file) [z](https://ok.example) <b>bold</b>")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("ftp://"))
        #expect(html.contains("href=\"https://ok.example\""))
    }

    @Test func autolinksStrikethroughAndTasklists() {
        let html = MarkdownRenderer.html("See https://city.example and ~~old~~\n\n- [x] done\n")
        #expect(html.contains("<a href=\"https://city.example\">"))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains("type=\"checkbox\""))
    }
}

@Suite struct MarkdownHeadingTests {
    @Test func descriptionHeadingsSitBelowPageSections() {
        let html = MarkdownRenderer.html("## How it works\n\n###### Deep\n", headingOffset: 1)
        #expect(html.contains("<h3>How it works</h3>"))
        #expect(html.contains("<h6>Deep</h6>"))
    }
}
