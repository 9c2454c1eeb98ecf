import Foundation
@testable import AlgoregKit

/// Fixture text with `⟦code⟧` markers where diagnostics are expected; the markers are removed
/// and their positions (1-based line and column, in Unicode scalars) kept.
struct MarkedText {
    struct Mark: Hashable, CustomStringConvertible {
        var code: String
        var line: Int
        var column: Int
        var description: String { "\(line):\(column) \(code)" }
    }

    var text: String
    var marks: [Mark]

    init(_ marked: String) {
        var text = ""
        var marks: [Mark] = []
        var line = 1, column = 1
        var scalars = marked.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            if scalar == "⟦", let end = scalars.firstIndex(of: "⟧") {
                marks.append(Mark(code: String(String.UnicodeScalarView(scalars[..<end])), line: line, column: column))
                scalars = scalars[scalars.index(after: end)...]
                continue
            }
            text.unicodeScalars.append(scalar)
            if scalar == "\n" { line += 1; column = 1 } else if scalar != "\r" { column += 1 }
        }
        self.text = text
        self.marks = marks
    }
}

/// A throwaway register folder: the small fixture register with the default schema.
struct TemporaryRegister {
    /// The register, alone in a folder of its own (where a build's parse cache goes too).
    let folder: URL
    var path: String { folder.path }

    init(copying source: URL = TestSupport.fixtures.appendingPathComponent("register")) throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("algoreg-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        folder = parent.appendingPathComponent("register")
        try FileManager.default.copyItem(at: source, to: folder)
        let schema = folder.appendingPathComponent("schema.yaml")
        if !FileManager.default.fileExists(atPath: schema.path) {
            try FileManager.default.copyItem(at: TestSupport.exampleRegistry.appendingPathComponent("schema.yaml"), to: schema)
        }
    }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: folder.appendingPathComponent(relative))
    }

    func validate(today: String = "2025-01-01") -> ValidationResult {
        RegisterValidator.validate(path, options: ValidationOptions(today: today))
    }

    func delete() { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
}
