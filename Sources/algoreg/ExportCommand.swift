import AlgoregKit
import ArgumentParser
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
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
        let notCarried: [Exporter.NotCarried]?
        let diagnostics: [Diagnostic]
        do {
            (notCarried, diagnostics) = try Exporter.export(registry: registry, format: format) {
                guard let output else { return FileHandle.standardOutput }
                let descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw CannotOpen(reason: String(cString: strerror(errno))) }
                return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            }
        } catch {
            FileHandle.standardError.write(Data("Cannot write `\(output ?? "standard output")`: \(error.localizedDescription)\n".utf8))
            throw Exit.usage
        }
        guard let notCarried else {
            report(diagnostics, format: .text, checkedFiles: 0)
            FileHandle.standardError.write(Data("The register has errors; nothing was exported.\n".utf8))
            throw Exit.invalid
        }
        if !notCarried.isEmpty {
            let lines = ["\(format) cannot carry \(notCarried.count) value\(notCarried.count == 1 ? "" : "s"):"]
                + Exporter.summary(notCarried).map { "  \($0)" }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}

/// Why the output file could not be opened, in the system's words (e.g. "No such file or directory").
private struct CannotOpen: LocalizedError {
    let reason: String
    var errorDescription: String? { reason }
}
