import Foundation
import Testing

/// Shared helpers for the end-to-end tests: where the repository and the built `algoreg` binary
/// are, running it, temporary folders, copies of the example register, and small readers for
/// the files a build writes (file trees, CSV, HTML links).
enum TestSupport {
    /// The repository root, found from this file's path (Tests/AlgoregKitTests/Support/).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // AlgoregKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The example register of the repository; only ever read (tests work on copies).
    static let exampleRegistry = repoRoot.appendingPathComponent("Registry")

    /// The shipped templates, and the test fixtures.
    static let templates = repoRoot.appendingPathComponent("Templates")
    static let fixtures = repoRoot.appendingPathComponent("Tests/AlgoregKitTests/Fixtures")

    /// Minimal templates that link to every page, so the link walker has real links to check.
    static let e2eTemplates = repoRoot.appendingPathComponent("Tests/AlgoregKitTests/Fixtures/e2e/templates")

    /// The built command-line tool: `$ALGOREG_BINARY`, else `.build/debug/algoreg`
    /// (`swift build` first; `swift test` builds it too).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ALGOREG_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repoRoot.appendingPathComponent(".build/debug/algoreg")
    }

    /// A fixed content date for reproducible builds (2026-01-02T00:00:00Z).
    static let sourceDateEpoch = "1767312000"

    // MARK: Running the binary

    struct Run: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// Runs `algoreg` with `arguments` in `directory`, capturing both streams through files
    /// (no pipe can fill up and block the child).
    static func algoreg(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw SupportError("The algoreg binary is not at \(binary.path); run `swift build` first.")
        }
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        // Keep temporary copies out of any git work tree the temp folder might sit in.
        environment["GIT_CEILING_DIRECTORIES"] = directory.deletingLastPathComponent().path
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    // MARK: Temporary folders

    /// A fresh folder for one test, removed afterwards.
    static func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("algoreg-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder.resolvingSymlinksInPath())
    }

    /// Copies a folder (the example register or the test templates) to `folder/name`.
    @discardableResult
    static func copy(_ source: URL, into folder: URL, as name: String) throws -> URL {
        let target = folder.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    /// Copies the example register to `folder/Registry`.
    @discardableResult
    static func copyExampleRegistry(into folder: URL, as name: String = "Registry") throws -> URL {
        try copy(exampleRegistry, into: folder, as: name)
    }

    // MARK: Editing fixture files

    static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Replaces exactly one occurrence of `old` in a file; fails the test setup otherwise.
    static func replaceOnce(in url: URL, _ old: String, with new: String) throws {
        let text = try read(url)
        let count = text.components(separatedBy: old).count - 1
        guard count == 1 else { throw SupportError("`\(old)` occurs \(count) times in \(url.lastPathComponent), expected once.") }
        try write(text.replacingOccurrences(of: old, with: new), to: url)
    }

    /// 1-based number of the line of `url` that starts with `prefix`.
    static func lineNumber(in url: URL, startingWith prefix: String) throws -> Int {
        let lines = try read(url).split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            throw SupportError("No line starts with `\(prefix)` in \(url.lastPathComponent).")
        }
        return index + 1
    }

    // MARK: File trees

    /// Every regular file under `folder` (hidden ones too), as sorted relative paths.
    static func files(under folder: URL) -> [String] {
        let base = folder.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var result: [String] = []
        for case let relative as String in enumerator {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                result.append(relative)
            }
        }
        return result.sorted()
    }

    /// The contents of every file under `folder`, by relative path: equal snapshots mean
    /// byte-identical trees.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for relative in files(under: folder) {
            result[relative] = try Data(contentsOf: folder.appendingPathComponent(relative))
        }
        return result
    }

    /// Paths whose contents differ between two snapshots (or exist in only one).
    static func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// Files that differ between two built sites. The marker's page lines are compared by their
    /// page keys only: the key of a system's files is there only when the parse cache was used.
    static func siteDifferences(_ a: URL, _ b: URL) throws -> [String] {
        func normalised(_ site: URL) throws -> [String: Data] {
            var files = try snapshot(site)
            if let marker = files[".algoreg-site"] {
                let lines = String(decoding: marker, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.hasPrefix("page ") ? line.split(separator: " ").prefix(3).joined(separator: " ") : String(line)
                }
                files[".algoreg-site"] = Data(lines.joined(separator: "\n").utf8)
            }
            return files
        }
        return differences(try normalised(a), try normalised(b))
    }

    /// Folders next to `output` that a build leaves behind when it does not clean up.
    static func leftovers(beside output: URL) -> [String] {
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        return entries.filter { $0.hasPrefix(".\(name).staging-") || $0.hasPrefix(".\(name).previous-") }.sorted()
    }

    // MARK: The example register's systems and private values

    /// Ids of the entries in a register (`systems/<id>.md`, not translations), sorted.
    static func systemIDs(in registry: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: registry.appendingPathComponent("systems").path)
            .filter { $0.hasSuffix(".md") && $0.dropLast(3).split(separator: ".").count == 1 }
            .map { String($0.dropLast(3)) }
            .sorted()
    }

    /// Keys of the schema's fields marked `x-private: true`.
    static func privateKeys(in registry: URL) throws -> [String] {
        let lines = try read(registry.appendingPathComponent("schema.yaml")).split(separator: "\n", omittingEmptySubsequences: false)
        var keys: [String] = []
        var current: String?
        for line in lines {
            // A property is a key indented by exactly two spaces under `properties:`.
            if line.hasPrefix("  "), !line.hasPrefix("   "), let colon = line.firstIndex(of: ":") {
                current = String(line[line.index(line.startIndex, offsetBy: 2)..<colon])
            } else if !line.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix("#") {
                current = nil
            }
            if line.trimmingCharacters(in: .whitespaces) == "x-private: true", let current { keys.append(current) }
        }
        return keys
    }

    /// The values of private fields in every file of `registry/systems`: a single-line value
    /// (quotes removed), or each line (of 20 characters or more) of a block scalar.
    static func privateValues(in registry: URL, keys: [String]) throws -> [String] {
        var values: Set<String> = []
        let systems = registry.appendingPathComponent("systems")
        for file in try FileManager.default.contentsOfDirectory(atPath: systems.path) where file.hasSuffix(".md") {
            let lines = try read(systems.appendingPathComponent(file)).split(separator: "\n", omittingEmptySubsequences: false)
            var index = 0
            while index < lines.count {
                let line = lines[index]
                index += 1
                guard let key = keys.first(where: { line.hasPrefix("\($0):") }) else { continue }
                var value = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
                if value == "|" || value == ">" || value.hasPrefix("|") || value.hasPrefix(">") {
                    while index < lines.count, lines[index].hasPrefix(" ") || lines[index].isEmpty {
                        let text = lines[index].trimmingCharacters(in: .whitespaces)
                        if text.count >= 20 { values.insert(text) }
                        index += 1
                    }
                } else {
                    if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                        value = String(value.dropFirst().dropLast())
                    }
                    if !value.isEmpty { values.insert(value) }
                }
            }
        }
        return values.sorted()
    }

    // MARK: Readers for the output

    /// RFC 4180: fields separated by commas, records by CRLF (LF accepted), fields with commas,
    /// quotes or line breaks in double quotes, quotes inside doubled. Throws on malformed input.
    static func parseCSV(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var scalars = Array(text.unicodeScalars)[...]
        func endField() { record.append(field); field = ""; fieldWasQuoted = false }
        func endRecord() { endField(); records.append(record); record = [] }
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else { throw SupportError("A quote inside an unquoted field in record \(records.count + 1).") }
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                endField()
            case "\r":
                guard scalars.first == "\n" else { throw SupportError("A bare CR outside quotes in record \(records.count + 1).") }
                scalars.removeFirst()
                endRecord()
            case "\n":
                endRecord()
            default:
                guard !fieldWasQuoted else { throw SupportError("Text after a closing quote in record \(records.count + 1).") }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw SupportError("An unterminated quoted field at the end.") }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }

    /// Values of `href` and `src` attributes in an HTML text, entities decoded.
    static func links(inHTML html: String) -> [String] {
        html.matches(of: /(?i)\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/).map { match in
            decodeEntities(String(match.output.1 ?? match.output.2 ?? ""))
        }
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&#x2F;", "/"), ("&#47;", "/"),
                                    ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result
    }

    /// Where a local link points inside the site, as a path relative to the site root, or nil
    /// for links that leave the site (a scheme, or `//host`). `page` is the linking file's path
    /// relative to the site root; `rootPath` is the path of the base URL for root-relative links.
    static func target(of link: String, from page: String, rootPath: String = "/") -> String? {
        var path = link
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        if path.hasPrefix("//") || path.wholeMatch(of: /(?i)[a-z][a-z0-9+.-]*:.*/) != nil { return nil }
        if path.isEmpty { return page }  // A fragment on the same page.
        var components: [Substring]
        if path.hasPrefix("/") {
            guard path.hasPrefix(rootPath) else { return "/OUTSIDE-BASE-PATH" + path }
            components = []
            path = String(path.dropFirst(rootPath.count))
        } else {
            components = page.split(separator: "/").dropLast()
        }
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if components.isEmpty { return "/ABOVE-SITE-ROOT/" + path }
                components.removeLast()
            default: components.append(part)
            }
        }
        let resolved = components.joined(separator: "/")
        if path.hasSuffix("/") || path.isEmpty || path == "." { return resolved.isEmpty ? "index.html" : resolved + "/index.html" }
        return resolved
    }
}

struct SupportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
