import Foundation

/// When each file was first published and how it changed, from git when the register is in a
/// git work tree: one `git log` for the whole register, never one process per file.
public struct History: Sendable {
    public struct Change: Sendable, Equatable {
        public var date: String      // YYYY-MM-DD
        public var message: String
    }

    /// Changes per file path relative to the register folder (e.g. `systems/chatbot.md`),
    /// newest first.
    public var changes: [String: [Change]] = [:]
    /// Date of the newest commit touching the register.
    public var latest: String?

    public static let none = History()

    /// Reads the history of `registerFolder`, or returns `.none` when it is not in git.
    public static func read(registerFolder: URL) -> History {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // %x1e starts a commit, %x1f separates fields; --name-only lists the files after it.
        process.arguments = ["git", "-C", registerFolder.path, "log", "--no-merges", "--no-renames", "--date=short",
                             "--format=%x1e%ad%x1f%s", "--name-only", "--relative", "--", "."]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return .none }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return .none }
        return parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ log: String) -> History {
        var history = History()
        for record in log.split(separator: "\u{1e}") {
            let lines = record.split(separator: "\n", omittingEmptySubsequences: true)
            guard let header = lines.first else { continue }
            let fields = header.split(separator: "\u{1f}", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2 else { continue }
            let change = Change(date: String(fields[0]), message: String(fields[1]))
            if history.latest == nil { history.latest = change.date }
            for path in lines.dropFirst() {
                history.changes[String(path), default: []].append(change)
            }
        }
        return history
    }

    public func changes(for relativePath: String) -> [Change] { changes[relativePath] ?? [] }
}
