/// How bad a problem is. Warnings do not fail `validate` unless `--strict`.
public enum Severity: String, Sendable, Codable, Comparable {
    case error
    case warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// One problem found in the register: data, rendered by the printers in `DiagnosticPrinter`.
public struct Diagnostic: Sendable, Equatable {
    /// Path relative to the register's parent folder, e.g. `Registry/systems/chatbot.md`.
    public var file: String
    /// nil when the problem concerns the whole file (e.g. it is empty or too large).
    public var location: SourceLocation?
    public var severity: Severity
    /// Stable kebab-case code, e.g. `unknown-field`; `algoreg explain <code>` describes it.
    public var code: DiagnosticCode
    /// What is wrong, in plain words.
    public var message: String
    /// How to fix it, when known.
    public var fix: String?

    public init(
        file: String, location: SourceLocation?, severity: Severity = .error,
        code: DiagnosticCode, message: String, fix: String? = nil
    ) {
        self.file = file
        self.location = location
        self.severity = severity
        self.code = code
        self.message = message
        self.fix = fix
    }

    /// Reading order: by file, then position; problems about a whole file come first.
    public static func sortedForReading(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { a, b in
            if a.file != b.file { return a.file < b.file }
            let la = a.location ?? SourceLocation(line: 0, column: 0)
            let lb = b.location ?? SourceLocation(line: 0, column: 0)
            if la != lb { return la < lb }
            if a.code != b.code { return a.code.rawValue < b.code.rawValue }
            return a.message < b.message
        }
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
}
