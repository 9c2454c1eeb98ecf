import AlgoregKit
import ArgumentParser
import Foundation

@main
struct Algoreg: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "algoreg",
        abstract: "Publish a city's algorithm and AI register from Markdown files.",
        subcommands: [Validate.self],
        defaultSubcommand: Validate.self
    )
}

/// Exit codes shared by every command: 0 clean, 1 the register has errors, 2 usage or I/O.
enum Exit {
    static let invalid = ExitCode(1)
    static let usage = ExitCode(2)
}

struct RegistryOptions: ParsableArguments {
    @Option(name: .long, help: "The register folder.")
    var registry: String = "Registry"

    @Option(name: .long, help: "How to print problems: text, json, github (Actions annotations) or gitlab (Code Quality report).")
    var format: String = "text"

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    func diagnosticFormat() throws -> DiagnosticFormat {
        guard let format = DiagnosticFormat(rawValue: format) else {
            throw ValidationError("Unknown format `\(format)`; use one of: \(DiagnosticFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return format
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every file of the register against its schema and report each problem.")

    @OptionGroup var options: RegistryOptions

    func run() throws {
        let format = try options.diagnosticFormat()
        let result = RegisterValidator.validate(options.registry)
        let output = DiagnosticPrinter.render(result.diagnostics, format: format, checkedFiles: result.checkedFiles)
        if format == .text {
            FileHandle.standardError.write(Data(output.utf8))
        } else {
            FileHandle.standardOutput.write(Data(output.utf8))
        }
        if result.diagnostics.hasErrors || (options.strict && !result.diagnostics.isEmpty) { throw Exit.invalid }
    }
}
