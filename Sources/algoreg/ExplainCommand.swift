import AlgoregKit
import ArgumentParser
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code: what it means, with a wrong and a right example.")

    @Argument(help: "The code, as printed in a diagnostic (e.g. unknown-field).")
    var code: String?

    @Flag(name: .long, help: "List every code.")
    var list = false

    func run() throws {
        if list || code == nil {
            print(DiagnosticCode.allCases.map(\.rawValue).joined(separator: "\n"))
            return
        }
        switch DiagnosticExplainer.lookup(code ?? "") {
        case .found(let explanation):
            print(DiagnosticExplainer.render(explanation), terminator: "")
        case .unknown(let suggestion):
            let hint = suggestion.map { " Did you mean `\($0)`?" } ?? ""
            FileHandle.standardError.write(Data("error: `\(code ?? "")` is not a diagnostic code.\(hint)\nRun `algoreg explain --list` for every code.\n".utf8))
            throw Exit.usage
        }
    }
}
