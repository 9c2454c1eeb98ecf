import Foundation

/// The formats diagnostics can be written in: one for people, three for machines.
public enum DiagnosticFormat: String, CaseIterable, Sendable {
    /// Compiler-style: location, message, the source line with a caret, and the fix.
    case text
    /// Machine-readable, documented in README ("Diagnostics as JSON").
    case json
    /// GitHub Actions workflow commands, shown as annotations on the changed lines.
    case github
    /// A GitLab Code Quality report (JSON array).
    case gitlab
}

public enum DiagnosticPrinter {
    /// Renders diagnostics in reading order. `sources` gives the text of files for the caret
    /// lines; files not given are read from disk when needed.
    public static func render(_ diagnostics: [Diagnostic], format: DiagnosticFormat, checkedFiles: Int,
                              sourceText: @escaping @Sendable (String) -> String? = { path in
                                  // Decode leniently: the file may be the one with invalid UTF-8.
                                  FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
                              }) -> String {
        let sorted = Diagnostic.sortedForReading(diagnostics)
        switch format {
        case .text: return text(sorted, checkedFiles: checkedFiles, sourceText: sourceText)
        case .json: return json(sorted, checkedFiles: checkedFiles)
        case .github: return github(sorted)
        case .gitlab: return gitlab(sorted)
        }
    }

    public static func summary(_ diagnostics: [Diagnostic], checkedFiles: Int) -> String {
        let errors = diagnostics.errorCount, warnings = diagnostics.warningCount
        let files = "\(checkedFiles) file\(checkedFiles == 1 ? "" : "s") checked"
        if errors == 0 && warnings == 0 { return "No problems found (\(files))." }
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(count(errors, "error")) and \(count(warnings, "warning")) (\(files))."
    }

    static func text(_ diagnostics: [Diagnostic], checkedFiles: Int, sourceText: @escaping @Sendable (String) -> String?) -> String {
        // Thousands of warnings (a register most of whose entries lack a translation) are
        // rendered on all cores, in runs that each hold whole files.
        let runs = fileRuns(diagnostics, most: diagnostics.count >= 512 ? 16 : 1)
        let rendered = runs.count > 1 ? runs.parallelMap { text(diagnostics[$0], sourceText: sourceText) } : runs.map { text(diagnostics[$0], sourceText: sourceText) }
        // One text made at its full size: joining and then adding the summary copied megabytes twice.
        let ending = summary(diagnostics, checkedFiles: checkedFiles) + "\n"
        var output = ""
        output.reserveCapacity(rendered.reduce(ending.utf8.count) { $0 + $1.utf8.count })
        for text in rendered { output += text }
        output += ending
        return output
    }

    /// At most `most` ranges of `diagnostics` (sorted by file) of about the same size, none
    /// splitting one file's.
    static func fileRuns(_ diagnostics: [Diagnostic], most: Int) -> [Range<Int>] {
        let size = max(1, diagnostics.count / most)
        var runs: [Range<Int>] = []
        var start = 0
        while start < diagnostics.count {
            var end = min(diagnostics.count, start + size)
            while end < diagnostics.count && diagnostics[end].file == diagnostics[end - 1].file { end += 1 }
            runs.append(start..<end)
            start = end
        }
        return runs
    }

    private static func text(_ diagnostics: ArraySlice<Diagnostic>, sourceText: (String) -> String?) -> String {
        // Bytes, each piece copied in from its text: appending to a text cost 400 instructions a
        // piece, for 8,000 warnings when a register's entries lack a translation.
        var output: [UInt8] = []
        output.reserveCapacity(diagnostics.count * 256)
        func add(_ text: String) { output.append(utf8: text) }
        var cache: [String: [Substring]] = [:]
        for diagnostic in diagnostics {
            add(diagnostic.file)
            if let location = diagnostic.location { add(":\(location.line):\(location.column)") }
            add(": ")
            add(diagnostic.severity.rawValue)
            add("[")
            add(diagnostic.code.rawValue)
            add("]: ")
            add(diagnostic.message)
            add("\n")
            if let location = diagnostic.location {
                if cache[diagnostic.file] == nil {
                    cache[diagnostic.file] = sourceText(diagnostic.file).map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
                }
                let lines = cache[diagnostic.file] ?? []
                if location.line >= 1, location.line <= lines.count {
                    let number = String(location.line)
                    let gutter = String(repeating: " ", count: number.count)
                    let line = lines[location.line - 1].replacingOccurrences(of: "\r", with: "")
                    // Keep tabs so the caret lines up under them.
                    let padding = line.unicodeScalars.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                    add(" \(number) | \(line)\n \(gutter) | \(padding)^\n")
                }
            }
            if let fix = diagnostic.fix {
                add("  fix: ")
                add(fix)
                add("\n")
            }
            add("\n")
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func json(_ diagnostics: [Diagnostic], checkedFiles: Int) -> String {
        let items = diagnostics.map { diagnostic -> Value in
            var members = [
                Member(key: "file", value: Value(.string(diagnostic.file))),
                Member(key: "line", value: diagnostic.location.map { Value(.integer($0.line)) } ?? .null),
                Member(key: "column", value: diagnostic.location.map { Value(.integer($0.column)) } ?? .null),
                Member(key: "severity", value: Value(.string(diagnostic.severity.rawValue))),
                Member(key: "code", value: Value(.string(diagnostic.code.rawValue))),
                Member(key: "message", value: Value(.string(diagnostic.message))),
            ]
            members.append(Member(key: "fix", value: diagnostic.fix.map { Value(.string($0)) } ?? .null))
            return Value(.object(Object(members)))
        }
        let document = Value(.object(Object([
            Member(key: "version", value: Value(.integer(1))),
            Member(key: "files_checked", value: Value(.integer(checkedFiles))),
            Member(key: "errors", value: Value(.integer(diagnostics.errorCount))),
            Member(key: "warnings", value: Value(.integer(diagnostics.warningCount))),
            Member(key: "diagnostics", value: Value(.array(items))),
        ])))
        return document.jsonText(pretty: true) + "\n"
    }

    /// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
    static func github(_ diagnostics: [Diagnostic]) -> String {
        func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        return diagnostics.map { diagnostic in
            var properties = ["file=\(escapeProperty(diagnostic.file))"]
            if let location = diagnostic.location {
                properties += ["line=\(location.line)", "col=\(location.column)"]
            }
            properties.append("title=\(escapeProperty(diagnostic.code.rawValue))")
            let body = diagnostic.message + (diagnostic.fix.map { "\nFix: \($0)" } ?? "")
            return "::\(diagnostic.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::\(escapeData(body))\n"
        }.joined()
    }

    /// https://docs.gitlab.com/ee/ci/testing/code_quality.html#implement-a-custom-tool
    static func gitlab(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map { diagnostic -> Value in
            let line = diagnostic.location?.line ?? 1
            let description = diagnostic.message + (diagnostic.fix.map { " Fix: \($0)" } ?? "")
            let identity = "\(diagnostic.file):\(line):\(diagnostic.location?.column ?? 0):\(diagnostic.code.rawValue):\(diagnostic.message)"
            return Value(.object(Object([
                Member(key: "description", value: Value(.string(description))),
                Member(key: "check_name", value: Value(.string(diagnostic.code.rawValue))),
                Member(key: "fingerprint", value: Value(.string(StableHash.hex(identity)))),
                Member(key: "severity", value: Value(.string(diagnostic.severity == .error ? "major" : "minor"))),
                Member(key: "location", value: Value(.object(Object([
                    Member(key: "path", value: Value(.string(diagnostic.file))),
                    Member(key: "lines", value: Value(.object(Object([Member(key: "begin", value: Value(.integer(line)))])))),
                ])))),
            ])))
        }
        return Value(.array(items)).jsonText(pretty: true) + "\n"
    }
}

/// FNV-1a, 128 bits as two 64-bit halves: a stable fingerprint, not a security measure.
enum StableHash {
    static func hex(_ text: String) -> String {
        var a: UInt64 = 0xcbf29ce484222325, b: UInt64 = 0x84222325cbf29ce4
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                a = (a ^ UInt64(byte)) &* 0x100000001b3
                b = (b ^ UInt64(byte)) &* 0x100000001b3 &+ 0x9e3779b97f4a7c15
            }
        }
        return String(format: "%016llx%016llx", a, b)
    }
}
