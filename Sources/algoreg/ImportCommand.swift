import AlgoregKit
import ArgumentParser
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a spreadsheet (CSV) of systems into the register, one Markdown entry per system.")

    @Argument(help: "The CSV file to read.")
    var file: String

    @Option(name: .long, help: "The source format: \((ImportPreset.names + ["generic"]).joined(separator: ", ")).")
    var format: String

    @Option(name: .long, help: "A mapping file (YAML) for --format generic: column to field, recodings, defaults, department.")
    var map: String?

    @Option(name: .long, help: "The register folder.")
    var registry: String = "Registry"

    @Option(name: .long, help: "The file's encoding: utf-8, utf-16 or cp1252 (detected when not given).")
    var encoding: String?

    @Flag(name: .long, help: "Print the summary without writing anything.")
    var dryRun = false

    @Flag(name: .long, help: "Change existing entries (only the fields the file carries; the description is kept).")
    var update = false

    func run() throws {
        var textEncoding: TextEncoding?
        if let encoding {
            guard let parsed = TextEncoding(name: encoding) else { throw ValidationError("Unknown encoding `\(encoding)`; use utf-8, utf-16 or cp1252.") }
            textEncoding = parsed
        }
        let preset: ImportPreset
        var diagnostics: [Diagnostic] = []
        if format == "generic" {
            guard let map else { throw ValidationError("--format generic needs a mapping file: --map mapping.yaml") }
            let (loaded, problems) = MappingFile.load(map, registry: registry)
            diagnostics += problems
            guard let loaded, !problems.hasErrors else {
                report(diagnostics, format: .text, checkedFiles: 1)
                throw Exit.invalid
            }
            preset = loaded
        } else {
            guard let named = ImportPreset.named(format) else {
                throw ValidationError("Unknown format `\(format)`; use one of: \((ImportPreset.names + ["generic"]).joined(separator: ", ")).")
            }
            preset = named
        }
        let result = Importer.run(file: file, preset: preset, options: ImportOptions(registry: registry, dryRun: dryRun, update: update, encoding: textEncoding))
        diagnostics += result.diagnostics
        if !diagnostics.isEmpty {
            let printed = DiagnosticPrinter.render(diagnostics, format: .text, checkedFiles: 1,
                sourceText: { path in FileManager.default.contents(atPath: path).map { TextEncoding.decode([UInt8]($0)).text.replacingOccurrences(of: "\r\n", with: "\n") } })
            FileHandle.standardError.write(Data(printed.utf8))
        }
        print(result.summary.lines.joined(separator: "\n"))
        if diagnostics.hasErrors { throw Exit.invalid }
    }
}
