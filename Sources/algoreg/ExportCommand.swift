import AlgoregKit
import ArgumentParser
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the register's public fields in another register's format (CSV or ATS JSON).")

    @Option(name: .long, help: "The target format: \(Exporter.formats.joined(separator: ", ")).")
    var format: String

    @Option(name: .long, help: "The register folder.")
    var registry: String = "Registry"

    @Option(name: .long, help: "The file to write (standard output when not given).")
    var output: String?

    func run() throws {
        guard Exporter.formats.contains(format) else {
            throw ValidationError("Unknown format `\(format)`; use one of: \(Exporter.formats.joined(separator: ", ")).")
        }
        let (result, diagnostics) = Exporter.export(registry: registry, format: format)
        guard let result else {
            report(diagnostics, format: .text, checkedFiles: 0)
            FileHandle.standardError.write(Data("The register has errors; nothing was exported.\n".utf8))
            throw Exit.invalid
        }
        if !result.notCarried.isEmpty {
            let lines = ["\(format) cannot carry \(result.notCarried.count) value\(result.notCarried.count == 1 ? "" : "s"):"]
                + Exporter.summary(result.notCarried).map { "  \($0)" }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        if let output {
            do { try Data(result.text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                FileHandle.standardError.write(Data("Cannot write `\(output)`: \(error.localizedDescription)\n".utf8))
                throw Exit.usage
            }
        } else {
            FileHandle.standardOutput.write(Data(result.text.utf8))
        }
    }
}
