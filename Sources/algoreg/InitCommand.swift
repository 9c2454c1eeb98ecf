import AlgoregKit
import ArgumentParser
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a new register: settings, schema, templates, an example entry and CI recipes.")

    @Argument(help: "The folder to create (or an empty one).")
    var folder: String

    @Option(name: .long, help: "The organisation's name.")
    var name: String = "City of Example"

    @Option(name: .long, help: "Languages, comma-separated, the default first (e.g. en,nl).")
    var languages: String = "en"

    @Option(name: .customLong("base-url"), help: "Where the portal will be published.")
    var baseURL: String = "https://algorithms.example.org"

    func run() throws {
        let options = RegisterInit.Options(
            folder: folder, name: name,
            languages: languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            baseURL: baseURL)
        do {
            let written = try RegisterInit.run(options)
            FileHandle.standardError.write(Data("""
                Created \(written.count) files in \(folder)/. Next:
                  cd \(folder)
                  algoreg validate
                  algoreg new "Name of a system" --department mobility
                  algoreg serve

                """.utf8))
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
