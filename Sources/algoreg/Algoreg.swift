import AlgoregKit
import ArgumentParser
import Foundation

@main
struct Algoreg: ParsableCommand {
    // Every command names itself: ArgumentParser otherwise works each name out from the type's
    // name (`String(describing:)`, the runtime's metadata) at every start, for all of them.
    static let configuration = CommandConfiguration(
        commandName: "algoreg",
        abstract: "Publish a city's algorithm and AI register from Markdown files.",
        subcommands: [Build.self, Validate.self, Report.self, New.self, Serve.self, Init.self, Explain.self, Import.self, Export.self],
        defaultSubcommand: Build.self
    )

    /// Runs the command, mapping ArgumentParser's usage errors (exit 64) to our exit code 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(Exit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
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

    @Flag(name: .long, help: "Read and check every file again, and keep nothing in `.algoreg-cache/` beside the register.")
    var noCache = false

    var validation: ValidationOptions { ValidationOptions(reusesParsedFiles: !noCache) }

    func diagnosticFormat() throws -> DiagnosticFormat {
        guard let format = DiagnosticFormat(rawValue: format) else {
            throw ValidationError("Unknown format `\(format)`; use one of: \(DiagnosticFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return format
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every file of the register against its schema and report each problem.")

    @OptionGroup var options: RegistryOptions

    func run() throws {
        let format = try options.diagnosticFormat()
        let result = RegisterValidator.validate(options.registry, options: options.validation)
        KeptUntilExit.keep(result)
        report(result.diagnostics, format: format, checkedFiles: result.checkedFiles)
        if result.diagnostics.hasErrors || (options.strict && !result.diagnostics.isEmpty) { throw Exit.invalid }
    }
}

/// Prints diagnostics: the human format on standard error, machine formats on standard output.
/// `rendered`: the diagnostics already rendered in `format`, if they were.
func report(_ diagnostics: [Diagnostic], format: DiagnosticFormat, checkedFiles: Int, rendered: String? = nil) {
    let output = rendered ?? DiagnosticPrinter.render(diagnostics, format: format, checkedFiles: checkedFiles)
    let handle = format == .text ? FileHandle.standardError : FileHandle.standardOutput
    // Written from the text's own bytes: thousands of warnings are megabytes, copied once already.
    var text = output
    text.withUTF8 { bytes in
        guard let base = bytes.baseAddress else { return }
        handle.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Validate the register and render it into the portal, the open data and the feeds.")

    @OptionGroup var options: RegistryOptions

    @Option(name: .long, help: "The templates folder.")
    var templates: String = "Templates"

    @Option(name: .long, help: "The output folder; changed only when the build succeeds.")
    var output: String = "Site"

    @Flag(name: .long, help: "Also publish entries marked `draft: true` (marked incomplete on their pages).")
    var includeDrafts = false

    func run() throws {
        let format = try options.diagnosticFormat()
        let started = Date()
        var buildOptions = SiteBuilder.Options(registry: options.registry, templates: templates, output: output, includeDrafts: includeDrafts,
                                               validation: options.validation)
        buildOptions.keepsModelUntilExit = true
        buildOptions.rendersDiagnostics = format
        let result = SiteBuilder.build(buildOptions)
        KeptUntilExit.keep(result)
        let blocking = result.diagnostics.hasErrors || (options.strict && !result.diagnostics.isEmpty)
        if !result.diagnostics.isEmpty || format != .text {
            report(result.diagnostics, format: format, checkedFiles: result.checkedFiles, rendered: result.renderedDiagnostics)
        }
        guard result.succeeded, !blocking else {
            FileHandle.standardError.write(Data("The site was not built; `\(output)` is unchanged.\n".utf8))
            throw result.diagnostics.contains(where: { $0.code == .outputFailed || $0.code == .outputNotOurs }) ? Exit.usage : Exit.invalid
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data("Built \(result.pages) pages (\(result.files) files) into \(output)/ in \(seconds) s.\n".utf8))
    }
}
