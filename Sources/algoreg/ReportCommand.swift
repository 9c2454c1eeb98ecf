import AlgoregKit
import ArgumentParser
import Foundation

/// `algoreg report --year Y`: one year's annual report figures (json, csv) on standard output,
/// or (html) only that year's report pages, downloads and assets in the output folder.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print one year's annual report figures, or build only that year's report.")

    @Option(name: .long, help: "The register folder.")
    var registry: String = "Registry"

    @Option(name: .long, help: "The year to report on.")
    var year: Int

    @Option(name: .long, help: "json or csv (the figures on standard output), or html (build the report pages into --output).")
    var format: String = "json"

    @Option(name: .long, help: "The templates folder (html only).")
    var templates: String = "Templates"

    @Option(name: .long, help: "The output folder (html only); changed only when the build succeeds.")
    var output: String = "Report"

    func run() throws {
        guard ["json", "csv", "html"].contains(format) else {
            throw ValidationError("Unknown format `\(format)`; use one of: html, json, csv.")
        }
        if format == "html" {
            let result = SiteBuilder.buildReport(SiteBuilder.Options(registry: registry, templates: templates, output: output), year: year)
            if !result.diagnostics.isEmpty { report(result.diagnostics, format: .text, checkedFiles: result.checkedFiles) }
            guard result.succeeded else {
                FileHandle.standardError.write(Data("The report was not built; `\(output)` is unchanged.\n".utf8))
                throw result.diagnostics.contains(where: { $0.code == .outputFailed || $0.code == .outputNotOurs }) ? Exit.usage : Exit.invalid
            }
            FileHandle.standardError.write(Data("Built the \(year) report (\(result.pages) pages, \(result.files) files) into \(output)/.\n".utf8))
            return
        }
        let (computed, validation) = YearFigures.compute(registry: registry, year: year)
        guard let figures = computed else {
            report(validation.diagnostics, format: .text, checkedFiles: validation.checkedFiles)
            throw Exit.invalid
        }
        let text = format == "json" ? ReportData.json(figures) : ReportData.figuresCSV(figures)
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
