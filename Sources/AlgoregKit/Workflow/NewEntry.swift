import Foundation

/// `algoreg new "<name>" --department <id>`: a new entry file with every top-level field of the
/// schema in schema order. Required fields get a placeholder (`FILL IN: ...`) that keeps
/// `validate` failing with `placeholder-left` until it is replaced; optional fields are
/// commented out. Each field has its help text, in the register's default language, above it.
public enum NewEntry {
    /// Every placeholder starts with this; `ContentChecks.checkFillIn` reports what is left.
    public static let placeholderMarker = "FILL IN:"

    public struct Created: Sendable {
        /// The new file's path, as given relative to the register's parent (e.g. `Registry/systems/x.md`).
        public var path: String
        public var id: String
    }

    /// Writes `<registry>/systems/<slug>.md`. Never overwrites: the id is made unique among
    /// the register's entries and the file is created exclusively.
    public static func create(name: String, department: String, registry: String,
                              today: String = ValidationOptions.currentDate()) throws(WorkflowError) -> Created {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw WorkflowError("The name of the system is empty.", exitCode: 2) }
        let loaded = RegisterLoader.load(registry)
        var problems: [Diagnostic] = []
        let settings = RegisterValidator.checkSettings(loaded.settings, diagnostics: &problems)
        let schema = RegisterValidator.compileEntrySchema(loaded.schema, diagnostics: &problems)
        problems += loaded.diagnostics.filter { $0.file.hasSuffix(RegisterLayout.settingsFile) || $0.file.hasSuffix(RegisterLayout.schemaFile) || $0.file == loaded.displayRoot }
        guard let settings, let schema else {
            let details = DiagnosticPrinter.render(problems, format: .text, checkedFiles: 2)
            throw WorkflowError("The register `\(registry)` cannot be used: its settings or schema have errors.\n\(details)", exitCode: 1)
        }
        let declared = settings.departments.map(\.id)
        guard declared.contains(department) else {
            let hint = Suggest.closest(to: department, in: declared).map { " Did you mean `\($0)`?" } ?? ""
            throw WorkflowError("The department `\(department)` is not declared in \(registry)/\(RegisterLayout.settingsFile).\(hint)\nDeclared departments: \(declared.joined(separator: ", ")).", exitCode: 1)
        }
        var base = RegisterLoader.slug(trimmed)
        if base.isEmpty { base = "system" }
        let taken = Set(loaded.entries.map(\.id))
        let folder = URL(fileURLWithPath: registry).appendingPathComponent(RegisterLayout.systemsFolder)
        var id = base
        var counter = 2
        while taken.contains(id) || FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(id).md").path) {
            id = "\(base)-\(counter)"
            counter += 1
        }
        let text = render(name: trimmed, department: department, schema: schema, language: settings.defaultLanguage, today: today)
        let file = folder.appendingPathComponent("\(id).md")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file, options: .withoutOverwriting)
        } catch {
            throw WorkflowError("Cannot write `\(file.path)`: \(error.localizedDescription)", exitCode: 2)
        }
        return Created(path: "\(registry)/\(RegisterLayout.systemsFolder)/\(id).md", id: id)
    }

    /// The entry's text: front matter with every top-level field, then a placeholder description.
    public static func render(name: String, department: String, schema: EntrySchema, language: String, today: String) -> String {
        var lines = [
            "---",
            "# New entry. Replace every \"\(placeholderMarker) ...\" text; `algoreg validate` lists the ones left.",
            "# Optional fields are commented out: remove the \"# \" in front of a field to use it.",
        ]
        var section: String?
        for field in schema.fields {
            if field.section != section {
                section = field.section
                lines.append("")
                lines.append("# ---------------- \(field.section.replacingOccurrences(of: "_", with: " "))")
            }
            var value: [String]
            switch field.key {
            case "name": value = ["name: \(quoted(name))"]
            case "department": value = ["department: \(department)"]
            default: value = block(field, language: language, today: today)
            }
            if let help = helpLine(field, language: language) { lines.append(help) }
            lines += field.isRequired ? value : value.map(commentedOut)
        }
        lines.append("---")
        lines.append("\(placeholderMarker) the long description, in Markdown: what the system does, for whom, and how it works.")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    static func helpLine(_ field: EntrySchema.Field, language: String) -> String? {
        var parts: [String] = []
        if let help = field.help?.text(language, fallback: "en"), !help.isEmpty {
            parts.append(help.split(whereSeparator: \.isNewline).joined(separator: " "))
        } else {
            parts.append(field.label.text(language, fallback: "en"))
        }
        if field.isRequired { parts.append("(required)") }
        if field.isPrivate { parts.append("(never published)") }
        return "# " + parts.joined(separator: " ")
    }

    static func commentedOut(_ line: String) -> String {
        let indent = line.prefix(while: { $0 == " " })
        if line.dropFirst(indent.count).hasPrefix("# ") { return line }
        return indent + "# " + line.dropFirst(indent.count)
    }

    /// `key: value` (possibly several lines) for a field, without indentation of its own.
    static func block(_ field: EntrySchema.Field, language: String, today: String) -> [String] {
        let key = field.key
        switch field.type {
        case "object":
            return ["\(key):"] + members(field.children, language: language, today: today).map { "  " + $0 }
        case "array":
            if !field.children.isEmpty {
                let item = members(field.children.filter(\.isRequired) + field.children.filter { !$0.isRequired }, language: language, today: today)
                guard let first = item.first else { return ["\(key): []"] }
                return ["\(key):", "  - " + first] + item.dropFirst().map { "    " + $0 }
            }
            if let first = field.enumeration.first {
                return ["\(key):", "  - \(scalar(first))    # one of: \(field.enumeration.joined(separator: ", "))"]
            }
            return ["\(key):", "  - \(quoted("\(placeholderMarker) \(field.label.text(language, fallback: "en"))"))"]
        default:
            return ["\(key): \(value(field, language: language, today: today))"]
        }
    }

    /// The fields of an object (or a list item), required ones filled in, optional ones commented out.
    static func members(_ fields: [EntrySchema.Field], language: String, today: String) -> [String] {
        fields.flatMap { child -> [String] in
            let lines = block(child, language: language, today: today)
            return child.isRequired ? lines : lines.map(commentedOut)
        }
    }

    static func value(_ field: EntrySchema.Field, language: String, today: String) -> String {
        if let first = field.enumeration.first {
            return "\(scalar(first))    # one of: \(field.enumeration.joined(separator: ", "))"
        }
        switch field.type {
        case "boolean": return "true"
        case "integer", "number": return "0"
        default: break
        }
        if field.format == "date" { return today }
        return quoted("\(placeholderMarker) \(field.label.text(language, fallback: "en"))")
    }

    /// Plain when YAML reads it back as the same text, double-quoted otherwise.
    static func scalar(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "," || $0 == "." }
            && text.first?.isLetter == true && !["true", "false", "yes", "no", "null", "on", "off"].contains(text.lowercased())
        return plain ? text : quoted(text)
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
