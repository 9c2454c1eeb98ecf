import Foundation
import Testing
@testable import AlgoregKit

/// `algoreg validate`, run as the built binary on copies of the example register.
@Suite struct EndToEndValidateTests {
    /// Every file `validate` reads in the example register: its YAML and Markdown files.
    static let exampleFileCount = TestSupport.files(under: TestSupport.exampleRegistry)
        .filter { $0.hasSuffix(".md") || $0.hasSuffix(".yaml") }.count

    typealias Support = TestSupport

    @Test func exampleRegisterIsClean() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry"], in: folder)
            #expect(run.status == 0, "\(run)")
            #expect(run.stderr.contains("No problems found"), "\(run)")
            #expect(run.stdout.isEmpty, "The text format writes to standard error only.\n\(run)")
        }
    }

    @Test func exampleRegisterIsCleanAsJSON() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry", "--format", "json", "--strict"], in: folder)
            #expect(run.status == 0, "\(run)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(json["errors"] as? Int == 0)
            #expect(json["warnings"] as? Int == 0)
            #expect((json["diagnostics"] as? [Any])?.isEmpty == true)
            // register.yaml + schema.yaml + 14 entries + 14 translations + 2 about pages.
            #expect(json["files_checked"] as? Int == Self.exampleFileCount)
        }
    }

    // MARK: A register with one problem per file

    /// One expected diagnostic: file (relative to the temp folder), line, column, code.
    struct Expected: Hashable, CustomStringConvertible {
        var file: String
        var line: Int
        var column: Int
        var code: String
        var description: String { "\(file):\(line):\(column) \(code)" }
    }

    /// Breaks a copy of the example register in seven independent ways, each in its own file,
    /// and returns the diagnostics that must come out, in reading order.
    static func makeBrokenRegister(in folder: URL) throws -> [Expected] {
        let registry = try Support.copyExampleRegistry(into: folder)
        let systems = registry.appendingPathComponent("systems")
        var expected: [Expected] = []

        // A misspelt (optional) key.
        let pothole = systems.appendingPathComponent("pothole-detection.md")
        try Support.replaceOnce(in: pothole, "\nkeywords:", with: "\nkeywrods:")
        expected.append(Expected(file: "Registry/systems/pothole-detection.md", line: try Support.lineNumber(in: pothole, startingWith: "keywrods:"), column: 1, code: "unknown-field"))

        // A value outside the enum.
        let crowd = systems.appendingPathComponent("crowd-monitoring.md")
        try Support.replaceOnce(in: crowd, "\nstatus: operational\n", with: "\nstatus: operatonal\n")
        expected.append(Expected(file: "Registry/systems/crowd-monitoring.md", line: try Support.lineNumber(in: crowd, startingWith: "status:"), column: 9, code: "not-allowed-value"))

        // A missing required field: reported at the first field of the front matter.
        let water = systems.appendingPathComponent("water-leak-detection.md")
        try Support.replaceOnce(in: water, "contact_email: water@veldhaven.example\n", with: "")
        expected.append(Expected(file: "Registry/systems/water-leak-detection.md", line: 2, column: 1, code: "missing-field"))

        // A duplicate key: reported at the second one.
        let chatbot = systems.appendingPathComponent("service-chatbot.md")
        let areaLine = try Support.lineNumber(in: chatbot, startingWith: "area:")
        let chatbotLines = try Support.read(chatbot).split(separator: "\n", omittingEmptySubsequences: false)
        try Support.write((chatbotLines[..<areaLine] + ["area: Everywhere, again"] + chatbotLines[areaLine...]).joined(separator: "\n"), to: chatbot)
        expected.append(Expected(file: "Registry/systems/service-chatbot.md", line: areaLine + 1, column: 1, code: "duplicate-key"))

        // Tab indentation (a new entry without a translation, since the file cannot be read at all).
        try Support.write("---\nname: Tabbed entry\nkeywords:\n\t- one\n---\nBody.\n", to: systems.appendingPathComponent("tabbed-entry.md"))
        expected.append(Expected(file: "Registry/systems/tabbed-entry.md", line: 4, column: 1, code: "yaml-tab"))

        // Invalid UTF-8 (Latin-1 é) on line 2, after "name: Caf".
        try Data("---\nname: Caf\u{E9} register\n---\nBody.\n".unicodeScalars.map { UInt8($0.value) })
            .write(to: systems.appendingPathComponent("latin1-entry.md"))
        expected.append(Expected(file: "Registry/systems/latin1-entry.md", line: 2, column: 10, code: "invalid-utf8"))

        // No front matter.
        try Support.write("Just a description, no fields.\n", to: systems.appendingPathComponent("no-front-matter.md"))
        expected.append(Expected(file: "Registry/systems/no-front-matter.md", line: 1, column: 1, code: "no-front-matter"))

        return expected.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
    }

    @Test func brokenRegisterAsJSONHasOneDiagnosticPerProblem() throws {
        try Support.withTemporaryFolder { folder in
            let expected = try Self.makeBrokenRegister(in: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry", "--format", "json"], in: folder)
            #expect(run.status == 1, "\(run)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "stdout is not a JSON object:\n\(run)")
            #expect(json["version"] as? Int == 1)
            let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
            let actual = diagnostics.map {
                Expected(file: $0["file"] as? String ?? "?", line: $0["line"] as? Int ?? -1, column: $0["column"] as? Int ?? -1, code: $0["code"] as? String ?? "?")
            }
            #expect(actual == expected)
            #expect(json["errors"] as? Int == expected.count)
            #expect(json["warnings"] as? Int == 0)
            for diagnostic in diagnostics {
                #expect(diagnostic["severity"] as? String == "error")
                #expect((diagnostic["message"] as? String)?.isEmpty == false)
                #expect(diagnostic["fix"] is String)
            }
            let misspelt = try #require(diagnostics.first { $0["code"] as? String == "unknown-field" })
            #expect((misspelt["fix"] as? String)?.contains("keywords") == true, "The fix suggests the right key")
            let enumProblem = try #require(diagnostics.first { $0["code"] as? String == "not-allowed-value" })
            #expect((enumProblem["fix"] as? String)?.contains("`operational`") == true)
            // The machine formats leave standard error to people.
            #expect(!run.stderr.contains("error["), "\(run)")
        }
    }

    @Test func brokenRegisterAsGitHubAnnotations() throws {
        try Support.withTemporaryFolder { folder in
            let expected = try Self.makeBrokenRegister(in: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry", "--format", "github"], in: folder)
            #expect(run.status == 1, "\(run)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count == expected.count, "\(run)")
            for line in lines { #expect(line.hasPrefix("::error file="), "\(line)") }
            for (line, problem) in zip(lines, expected) {
                #expect(line.hasPrefix("::error file=\(problem.file),line=\(problem.line),col=\(problem.column),title=\(problem.code)::"), "\(line)")
            }
            // Messages are one line: a fix goes after an escaped newline.
            #expect(lines.allSatisfy { $0.contains("%0AFix: ") })
        }
    }

    @Test func brokenRegisterAsGitLabCodeQualityReport() throws {
        try Support.withTemporaryFolder { folder in
            let expected = try Self.makeBrokenRegister(in: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry", "--format", "gitlab"], in: folder)
            #expect(run.status == 1, "\(run)")
            let items = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "stdout is not a JSON array:\n\(run)")
            #expect(items.count == expected.count)
            var fingerprints: Set<String> = []
            for (item, problem) in zip(items, expected) {
                let fingerprint = try #require(item["fingerprint"] as? String)
                #expect(fingerprint.wholeMatch(of: /[0-9a-f]{32}/) != nil, "\(fingerprint)")
                fingerprints.insert(fingerprint)
                #expect(item["severity"] as? String == "major")
                #expect(item["check_name"] as? String == problem.code)
                #expect((item["description"] as? String)?.isEmpty == false)
                let location = try #require(item["location"] as? [String: Any])
                #expect(location["path"] as? String == problem.file)
                #expect((location["lines"] as? [String: Any])?["begin"] as? Int == problem.line)
            }
            #expect(fingerprints.count == items.count, "Fingerprints must be unique")
            // Fingerprints are stable from run to run.
            let again = try Support.algoreg(["validate", "--registry", "Registry", "--format", "gitlab"], in: folder)
            #expect(again.stdout == run.stdout)
        }
    }

    @Test func brokenRegisterAsTextShowsLocationsAndCarets() throws {
        try Support.withTemporaryFolder { folder in
            let expected = try Self.makeBrokenRegister(in: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry"], in: folder)
            #expect(run.status == 1, "\(run)")
            #expect(run.stdout.isEmpty)
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for problem in expected {
                let header = "\(problem.file):\(problem.line):\(problem.column): error[\(problem.code)]: "
                let index = try #require(lines.firstIndex { $0.hasPrefix(header) }, "No `\(header)` in:\n\(run.stderr)")
                if problem.code == "invalid-utf8" { continue }  // The line cannot be shown as text (see the known issue below).
                // ` 12 | the source line` then `    |  ^` with the caret under the column.
                try #require(index + 2 < lines.count)
                let source = lines[index + 1], caret = lines[index + 2]
                #expect(source.hasPrefix(" \(problem.line) | "), "\(source)")
                let gutter = " " + String(repeating: " ", count: String(problem.line).count) + " | "
                #expect(caret.hasPrefix(gutter), "\(caret)")
                let padding = caret.dropFirst(gutter.count)
                #expect(padding.hasSuffix("^") && padding.count == problem.column, "caret `\(caret)` for column \(problem.column)")
            }
            let misspelt = try #require(lines.firstIndex { $0.contains("error[unknown-field]") })
            #expect(lines[misspelt + 1].contains("keywrods: [roads"))
            #expect(lines.contains { $0.hasPrefix("  fix: Did you mean `keywords`?") })
            // Files that cannot be parsed count as checked too: the three added here.
            #expect(lines.contains("7 errors and 0 warnings (\(Self.exampleFileCount + 3) files checked)."), "\(run.stderr)")
        }
    }

    @Test func invalidUTF8LineIsShownUnderItsDiagnostic() throws {
        try Support.withTemporaryFolder { folder in
            _ = try Self.makeBrokenRegister(in: folder)
            let run = try Support.algoreg(["validate", "--registry", "Registry"], in: folder)
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let index = try #require(lines.firstIndex { $0.contains("error[invalid-utf8]") })
                            #expect(lines[index + 1].hasPrefix(" 2 | name: Caf"))
        }
    }

    @Test func aFileThatCannotBeReadDoesNotOrphanItsTranslation() throws {
        try Support.withTemporaryFolder { folder in
            let registry = try Support.copyExampleRegistry(into: folder)
            // A tab in an entry that has a Dutch translation: one problem, in one file.
            let entry = registry.appendingPathComponent("systems/bridge-predictive-maintenance.md")
            try Support.replaceOnce(in: entry, "\n  - title: Roads Act", with: "\n\t- title: Roads Act")
            let run = try Support.algoreg(["validate", "--registry", "Registry", "--format", "json"], in: folder)
            #expect(run.status == 1)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let codes = (json["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes.contains("yaml-tab"))
            #expect(codes == ["yaml-tab"], "\(codes)")
        }
    }

    // MARK: Exit codes

    @Test func warningsPassUnlessStrict() throws {
        try Support.withTemporaryFolder { folder in
            let registry = try Support.copyExampleRegistry(into: folder)
            try Support.write("not an entry\n", to: registry.appendingPathComponent("systems/notes.txt"))
            let lenient = try Support.algoreg(["validate", "--registry", "Registry"], in: folder)
            #expect(lenient.status == 0, "\(lenient)")
            #expect(lenient.stderr.contains("Registry/systems/notes.txt: warning[stray-file]: "), "\(lenient)")
            #expect(lenient.stderr.contains("0 errors and 1 warning"), "\(lenient)")
            let strict = try Support.algoreg(["validate", "--registry", "Registry", "--strict"], in: folder)
            #expect(strict.status == 1, "\(strict)")
        }
    }

    @Test func unknownFormatIsAUsageErrorExit2() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            for arguments in [["validate", "--registry", "Registry", "--format", "xml"],
                              ["build", "--registry", "Registry", "--format", "xml", "--output", "Out"]] {
                let command = arguments[0]
                let run = try Support.algoreg(arguments, in: folder)
                #expect(run.status != 0 && run.status != 1, "\(run)")
                #expect(run.stderr.contains("Unknown format `xml`; use one of: text, json, github, gitlab."), "\(run)")
                                    #expect(run.status == 2, "\(command): \(run)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Out").path))
        }
    }

    @Test func unknownOptionIsAUsageErrorExit2() throws {
        try Support.withTemporaryFolder { folder in
            let run = try Support.algoreg(["validate", "--registy", "Registry"], in: folder)
            #expect(run.status != 0 && run.status != 1, "\(run)")
                            #expect(run.status == 2, "\(run)")
        }
    }

    /// A missing register folder is reported as a diagnostic about the register (exit 1), not
    /// as a usage error: it is what happens when Algoreg runs in the wrong folder.
    @Test func missingRegistryFolderIsAnInvalidRegisterExit1() throws {
        try Support.withTemporaryFolder { folder in
            let run = try Support.algoreg(["validate", "--registry", "Nowhere", "--format", "json"], in: folder)
            #expect(run.status == 1, "\(run)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?["code"] as? String == "file-unreadable")
            #expect(diagnostics.first?["file"] as? String == "Nowhere")
            #expect(diagnostics.first?["line"] is NSNull)
            #expect(json["files_checked"] as? Int == 0)
            let text = try Support.algoreg(["validate", "--registry", "Nowhere"], in: folder)
            #expect(text.status == 1)
            #expect(text.stderr.hasPrefix("Nowhere: error[file-unreadable]: The register folder `Nowhere` does not exist."), "\(text)")
        }
    }
}

/// `algoreg build` as a process: reproducible output, atomic replacement, and refusing folders
/// that Algoreg did not write.
@Suite struct EndToEndBuildTests {
    typealias Support = TestSupport

    static func build(_ folder: URL, registry: String = "Registry", templates: String = TestSupport.e2eTemplates.path,
                      output: String = "Site", extra: [String] = []) throws -> TestSupport.Run {
        try Support.algoreg(["build", "--registry", registry, "--templates", templates, "--output", output] + extra,
                            in: folder, environment: ["SOURCE_DATE_EPOCH": Support.sourceDateEpoch])
    }

    @Test func twoBuildsAreByteIdentical() throws {
        try Support.withTemporaryFolder { folder in
            // Different register and output paths (one relative, one absolute) must not show.
            try Support.copyExampleRegistry(into: folder)
            let elsewhere = folder.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
            let otherRegistry = try Support.copyExampleRegistry(into: elsewhere, as: "Register copy")
            let first = try Self.build(folder, output: "A")
            let second = try Self.build(folder, registry: otherRegistry.path, output: elsewhere.appendingPathComponent("B").path)
            try #require(first.status == 0, "\(first)")
            try #require(second.status == 0, "\(second)")
            let a = try Support.snapshot(folder.appendingPathComponent("A"))
            let b = try Support.snapshot(elsewhere.appendingPathComponent("B"))
            #expect(a.count > 100)
            #expect(Support.differences(a, b).isEmpty, "Files that differ: \(Support.differences(a, b).prefix(20))")
        }
    }

    @Test func includeDraftsStillLeaksNothingPrivate() throws {
        try Support.withTemporaryFolder { folder in
            let registry = try Support.copyExampleRegistry(into: folder)
            // Make the entry with the phone number a draft: hidden by default, shown with --include-drafts.
            try Support.replaceOnce(in: registry.appendingPathComponent("systems/parking-scan-cars.md"), "\nstatus: operational\n", with: "\nstatus: operational\ndraft: true\n")
            let hidden = try Self.build(folder, output: "Public")
            try #require(hidden.status == 0, "\(hidden)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Public/systems/parking-scan-cars/index.html").path))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Public/data/systems/parking-scan-cars.json").path))
            let shown = try Self.build(folder, output: "Preview", extra: ["--include-drafts"])
            try #require(shown.status == 0, "\(shown)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("Preview/systems/parking-scan-cars/index.html").path))
            for output in ["Public", "Preview"] {
                let root = folder.appendingPathComponent(output)
                for file in Support.files(under: root) {
                    let text = String(decoding: try Data(contentsOf: root.appendingPathComponent(file)), as: UTF8.self)
                    #expect(!text.contains("555 0142") && !text.contains("owner_direct_phone"), "\(output)/\(file)")
                }
            }
        }
    }

    @Test func failedBuildLeavesThePreviousSiteUnchanged() throws {
        try Support.withTemporaryFolder { folder in
            let registry = try Support.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Site")
            let first = try Self.build(folder)
            try #require(first.status == 0, "\(first)")
            let before = try Support.snapshot(output)

            let entry = registry.appendingPathComponent("systems/parking-scan-cars.md")
            try Support.replaceOnce(in: entry, "\ndepartment: mobility\n", with: "\ndepartment: mobilty\n")
            let second = try Self.build(folder)
            #expect(second.status == 1, "\(second)")
            #expect(second.stderr.contains("Registry/systems/parking-scan-cars.md:\(try Support.lineNumber(in: entry, startingWith: "department:")):"), "\(second)")
            #expect(second.stderr.contains("error[unknown-department]"), "\(second)")
            #expect(second.stderr.contains("The site was not built; `Site` is unchanged."), "\(second)")
            #expect(Support.differences(before, try Support.snapshot(output)).isEmpty)
            #expect(Support.leftovers(beside: output).isEmpty, "\(Support.leftovers(beside: output))")
        }
    }

    @Test func strictBuildStopsOnWarningsAndLeavesThePreviousSite() throws {
        try Support.withTemporaryFolder { folder in
            let registry = try Support.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Site")
            let first = try Self.build(folder)
            try #require(first.status == 0, "\(first)")
            let before = try Support.snapshot(output)
            try Support.write("not an entry\n", to: registry.appendingPathComponent("systems/notes.txt"))
            let strict = try Self.build(folder, extra: ["--strict"])
            #expect(strict.status == 1, "\(strict)")
            #expect(strict.stderr.contains("warning[stray-file]"), "\(strict)")
            #expect(Support.differences(before, try Support.snapshot(output)).isEmpty)
            #expect(Support.leftovers(beside: output).isEmpty)
            // Without --strict the warning is printed and the site is built.
            let lenient = try Self.build(folder)
            #expect(lenient.status == 0, "\(lenient)")
            #expect(lenient.stderr.contains("warning[stray-file]"), "\(lenient)")
        }
    }

    @Test func missingPartialIsATemplateErrorWithFileAndLine() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            let templates = try Support.copy(Support.e2eTemplates, into: folder, as: "templates")
            let output = folder.appendingPathComponent("Site")
            let first = try Self.build(folder, templates: "templates")
            try #require(first.status == 0, "\(first)")
            let before = try Support.snapshot(output)

            let home = templates.appendingPathComponent("layout/home.mustache")
            try Support.replaceOnce(in: home, "{{> partials/cards}}\n", with: "{{> partials/cards}}\n  {{> partials/nope}}\n")
            let line = try Support.lineNumber(in: home, startingWith: "  {{> partials/nope}}")
            let second = try Self.build(folder, templates: "templates")
            #expect(second.status == 1, "\(second)")
            #expect(second.stderr.contains("templates/layout/home.mustache:\(line):3: error[template-error]: The partial `partials/nope` does not exist."), "\(second)")
            #expect(second.stderr.contains("  {{> partials/nope}}"), "The source line is shown")
            #expect(Support.differences(before, try Support.snapshot(output)).isEmpty)
            #expect(Support.leftovers(beside: output).isEmpty)

            let json = try Self.build(folder, templates: "templates", extra: ["--format", "json"])
            let diagnostics = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?["code"] as? String == "template-error")
            #expect(diagnostics.first?["file"] as? String == "templates/layout/home.mustache")
            #expect(diagnostics.first?["line"] as? Int == line)
        }
    }

    @Test func unclosedSectionIsATemplateErrorWithFileAndLine() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            let templates = try Support.copy(Support.e2eTemplates, into: folder, as: "templates")
            try Support.replaceOnce(in: templates.appendingPathComponent("layout/about.mustache"), "{{{aboutHtml}}}\n", with: "{{#aboutHtml}}\n")
            let run = try Self.build(folder, templates: "templates")
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.contains("templates/layout/about.mustache:"), "\(run)")
            #expect(run.stderr.contains("error[template-error]: The template cannot be read"), "\(run)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Site").path))
            #expect(Support.leftovers(beside: folder.appendingPathComponent("Site")).isEmpty)
        }
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Mine")
            try Support.write("keep me\n", to: output.appendingPathComponent("important.txt"))
            let run = try Self.build(folder, output: "Mine")
            #expect(run.status != 0, "\(run)")
            #expect(run.status == 2, "An output problem is an I/O error (2).\n\(run)")
            #expect(run.stderr.contains("error[output-not-ours]"), "\(run)")
            #expect(run.stderr.contains("important.txt"), "The message names the foreign file.\n\(run)")
            #expect(try Support.read(output.appendingPathComponent("important.txt")) == "keep me\n")
            #expect(Support.files(under: output) == ["important.txt"])
            #expect(Support.leftovers(beside: output).isEmpty, "\(Support.leftovers(beside: output))")
        }
    }

    @Test func refusesToReplaceAFile() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            try Support.write("not a folder\n", to: folder.appendingPathComponent("Site"))
            let run = try Self.build(folder)
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr.contains("error[output-not-ours]"), "\(run)")
            #expect(try Support.read(folder.appendingPathComponent("Site")) == "not a folder\n")
        }
    }

    @Test func buildsIntoAnEmptyFolderOrOneWithOnlyAReadmeAndKeepsTheReadme() throws {
        try Support.withTemporaryFolder { folder in
            try Support.copyExampleRegistry(into: folder)
            let empty = folder.appendingPathComponent("Empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            let first = try Self.build(folder, output: "Empty")
            #expect(first.status == 0, "\(first)")
            #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent(".algoreg-site").path))

            let site = folder.appendingPathComponent("Site")
            try Support.write("Built by algoreg.\n", to: site.appendingPathComponent("README.md"))
            let second = try Self.build(folder)
            #expect(second.status == 0, "\(second)")
            #expect(try Support.read(site.appendingPathComponent("README.md")) == "Built by algoreg.\n")
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("index.html").path))
        }
    }

    @Test func rebuildReplacesThePreviousSiteAsAWhole() throws {
        try Support.withTemporaryFolder { folder in
            let registry = try Support.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Site")
            let first = try Self.build(folder)
            try #require(first.status == 0, "\(first)")
            try Support.write("stale\n", to: output.appendingPathComponent("stale.html"))
            // Remove an entry (and its translation): its pages must go too.
            try FileManager.default.removeItem(at: registry.appendingPathComponent("systems/pothole-detection.md"))
            try FileManager.default.removeItem(at: registry.appendingPathComponent("systems/pothole-detection.nl.md"))
            let second = try Self.build(folder)
            try #require(second.status == 0, "\(second)")
            let files = Support.files(under: output)
            #expect(!files.contains("stale.html"))
            #expect(!files.contains { $0.contains("pothole-detection") })
            #expect(files.contains("systems/parking-scan-cars/index.html"))
            #expect(Support.leftovers(beside: output).isEmpty, "\(Support.leftovers(beside: output))")
        }
    }
}
