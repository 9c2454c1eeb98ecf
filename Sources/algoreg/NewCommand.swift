import AlgoregKit
import ArgumentParser
import Foundation

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a new entry with every field of the schema, ready to fill in.")

    @Argument(help: "The system's name, e.g. \"Parking scan cars\".")
    var name: String

    @Option(name: .long, help: "The responsible department's id, as declared in register.yaml.")
    var department: String

    @Option(name: .long, help: "The register folder.")
    var registry: String = "Registry"

    func run() throws {
        do {
            let created = try NewEntry.create(name: name, department: department, registry: registry)
            print(created.path)
            FileHandle.standardError.write(Data("Wrote \(created.path). Replace every \"\(NewEntry.placeholderMarker) ...\" text, then run `algoreg validate`.\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
