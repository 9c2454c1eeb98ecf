import Foundation

/// Turns the schema checker's violations into diagnostics in plain words, using the schema's
/// labels so staff see "Bias assessment" next to `bias_assessment`.
struct ViolationMessages {
    var file: String
    var vocabulary: Vocabulary

    /// Field labels and help by path ("datasets.personal_data") in one language, from the
    /// schema's annotations; built once per register, shared by every file's messages.
    struct Vocabulary: Sendable {
        var labels: [String: String] = [:]
        var helps: [String: String] = [:]

        init(fields: [EntrySchema.Field], language: String) {
            func walk(_ fields: [EntrySchema.Field], prefix: String) {
                for field in fields {
                    let path = prefix.isEmpty ? field.key : "\(prefix).\(field.key)"
                    labels[path] = field.label.text(language, fallback: "en")
                    if let help = field.help { helps[path] = help.text(language, fallback: "en") }
                    walk(field.children, prefix: path)
                }
            }
            walk(fields, prefix: "")
        }
    }

    init(file: String, vocabulary: Vocabulary) {
        self.file = file
        self.vocabulary = vocabulary
    }

    /// For one-off files (settings, plans, mappings) whose fields carry no labels.
    init(file: String) {
        self.init(file: file, vocabulary: Vocabulary(fields: [], language: "en"))
    }

    func diagnostics(for violations: [SchemaViolation], in root: Value, draft: Bool = false) -> [Diagnostic] {
        Self.mergingTypos(violations).flatMap { diagnostics(for: $0, in: root, draft: draft) }
    }

    /// A misspelt required key shows up twice: as unknown and as missing. Keep one diagnostic
    /// (the unknown key, with "did you mean"), so one mistake gives one message.
    static func mergingTypos(_ violations: [SchemaViolation]) -> [SchemaViolation] {
        var typoTargets: [[PathComponent]: Set<String>] = [:]
        for violation in violations {
            if case .additionalProperty(let name, let allowed) = violation.kind, let target = Suggest.closest(to: name, in: allowed) {
                typoTargets[Array(violation.instancePath.dropLast()), default: []].insert(target)
            }
        }
        guard !typoTargets.isEmpty else { return violations }
        return violations.compactMap { violation in
            guard case .missingRequired(let names) = violation.kind, let targets = typoTargets[violation.instancePath] else { return violation }
            let remaining = names.filter { !targets.contains($0) }
            if remaining.isEmpty { return nil }
            var trimmed = violation
            trimmed.kind = .missingRequired(remaining)
            return trimmed
        }
    }

    func diagnostics(for violation: SchemaViolation, in root: Value, draft: Bool) -> [Diagnostic] {
        let offending = Self.lookup(violation.instancePath, in: root)
        let field = describe(violation.instancePath)
        let because = violation.context.isEmpty ? "" : " " + violation.context.map { $0.hasSuffix(".") ? $0 : $0 + "." }.joined(separator: " ")
        func make(_ code: DiagnosticCode, _ message: String, _ fix: String?, severity: Severity = .error) -> [Diagnostic] {
            [Diagnostic(file: file, location: violation.location, severity: severity, code: code, message: message + because, fix: fix)]
        }
        let shown = offending.flatMap(Self.quote)
        switch violation.kind {
        case .missingRequired(let names):
            let listed = names.map { name in self.named(violation.instancePath + [.key(name)]) }
            let whereText = violation.instancePath.isEmpty ? "" : " in \(field)"
            let message = names.count == 1
                ? "The required field \(listed[0]) is missing\(whereText)."
                : "\(names.count) required fields are missing\(whereText): \(listed.joined(separator: ", "))."
            let example = names.first.map { "`\($0): ...`" } ?? ""
            if draft {
                return make(.draftIncomplete, message + " (This entry is a draft, so this is a warning; it is left out of the site.)", "Add \(names.count == 1 ? "it" : "them") when known, e.g. \(example), then remove `draft: true`.", severity: .warning)
            }
            return make(.missingField, message, "Add \(names.count == 1 ? "it" : "each") to the front matter, e.g. \(example).")
        case .additionalProperty(let name, let allowed):
            let suggestion = Suggest.closest(to: name, in: allowed)
            let parent = Array(violation.instancePath.dropLast())
            let scope = parent.isEmpty ? "an entry" : describe(parent)
            return make(.unknownField, "`\(name)` is not a field of \(scope).",
                suggestion.map { "Did you mean `\($0)`?" } ?? "Remove it, or add it to the schema (`schema.yaml`) if your register needs it. Allowed here: \(allowed.map { "`\($0)`" }.joined(separator: ", ")).")
        case .propertyName(let name, _):
            return make(.badFieldName, "`\(name)` is not an allowed name here\(violation.instancePath.isEmpty ? "" : " (in \(field))").",
                "Use lowercase letters, digits and hyphens.")
        case .type(let expected, let actual):
            let wanted = expected.map(Self.typeName).joined(separator: " or ")
            var fix = "Write \(field) as \(wanted)."
            if expected == ["array"] { fix = "Write \(field) as a list: one item per line, each starting with `- `." }
            if expected == ["string"] && (actual == "object" || actual == "array") { fix = "If the text contains a colon, put it in double quotes or use a `|` block." }
            if expected == ["boolean"] { fix = "Write `true` or `false`." }
            return make(.wrongType, "\(field.capitalizedFirst) should be \(wanted), but it is \(Self.typeName(actual))\(shown.map { ": \($0)" } ?? "").", fix)
        case .enumeration(let allowed):
            let values = allowed.map { $0.string ?? $0.jsonText(pretty: false) }
            let suggestion = offending?.string.flatMap { Suggest.closest(to: $0, in: values) }
            return make(.notAllowedValue, "\(field.capitalizedFirst) is \(shown ?? "this value"), which is not one of its allowed values.",
                (suggestion.map { "Did you mean `\($0)`? " } ?? "") + "Allowed: \(values.map { "`\($0)`" }.joined(separator: ", ")).")
        case .constant(let expected):
            return make(.notAllowedValue, "\(field.capitalizedFirst) must be `\(expected.string ?? expected.jsonText(pretty: false))`.", nil)
        case .pattern(let pattern):
            let help = vocabulary.helps[pathKey(violation.instancePath)]
            let what = shown.map { "is \($0), which is not" } ?? "is not"
            return make(.patternMismatch, "\(field.capitalizedFirst) \(what) in the expected form.",
                help ?? "It must match the pattern `\(pattern)`.")
        case .impossibleDate:
            return make(.impossibleDate, "\(field.capitalizedFirst) is \(shown ?? "a date"), a date that does not exist in the calendar.",
                "Check the day and month; dates are written YYYY-MM-DD, e.g. 2024-02-29.")
        case .minContains(let required, _):
            return make(.tooFewItems, "\(field.capitalizedFirst) needs \(required == 1 ? "an item" : "\(required) items") of the kind required here, and has \(offending?.array?.isEmpty == false ? "none that fits" : "none").", "Add the missing item to the list.")
        case .maxContains(let allowed, let found):
            return make(.tooManyItems, "\(field.capitalizedFirst) has \(found) items of a kind allowed at most \(allowed) time\(allowed == 1 ? "" : "s").", "Remove the extra items.")
        case .format(let format):
            switch format {
            case "date":
                return make(.wrongFormat, "\(field.capitalizedFirst) is \(shown ?? ""), which is not a date in the form YYYY-MM-DD.",
                    "Write the date as year-month-day with hyphens, e.g. 2025-03-31.")
            case "date-time":
                return make(.wrongFormat, "\(field.capitalizedFirst) is \(shown ?? ""), which is not a date and time.", "Write it like 2025-03-31T14:00:00Z.")
            case "email":
                return make(.wrongFormat, "\(field.capitalizedFirst) is \(shown ?? ""), which is not an e-mail address.", "Write it like `algorithms@city.example`.")
            case "uri":
                return make(.wrongFormat, "\(field.capitalizedFirst) is \(shown ?? ""), which is not a complete web address.", "Write the full address, starting with `https://`.")
            default:
                return make(.wrongFormat, "\(field.capitalizedFirst) is not a valid \(format).", nil)
            }
        case .minLength(let limit):
            return make(.tooShort, "\(field.capitalizedFirst) is too short: at least \(limit) character\(limit == 1 ? "" : "s") are needed.", "Describe it in a few more words.")
        case .maxLength(let limit):
            let length = offending?.string?.count ?? 0
            return make(.tooLong, "\(field.capitalizedFirst) is \(length) characters long; at most \(limit) are allowed.", "Shorten it by \(length - limit) character\(length - limit == 1 ? "" : "s"); put details in the description below the front matter.")
        case .minimum(let limit), .exclusiveMinimum(let limit):
            return make(.outOfRange, "\(field.capitalizedFirst) is \(shown ?? "") but must be \(violation.kind.isExclusive ? "more than" : "at least") \(Self.number(limit)).", nil)
        case .maximum(let limit), .exclusiveMaximum(let limit):
            return make(.outOfRange, "\(field.capitalizedFirst) is \(shown ?? "") but must be \(violation.kind.isExclusive ? "less than" : "at most") \(Self.number(limit)).", nil)
        case .multipleOf(let step):
            return make(.outOfRange, "\(field.capitalizedFirst) is \(shown ?? "") but must be a multiple of \(Self.number(step)).", nil)
        case .minItems(let limit):
            return make(.tooFewItems, "\(field.capitalizedFirst) needs at least \(limit) item\(limit == 1 ? "" : "s").", "Add items, one per line starting with `- `.")
        case .maxItems(let limit):
            return make(.tooManyItems, "\(field.capitalizedFirst) may have at most \(limit) item\(limit == 1 ? "" : "s").", "Remove or merge items.")
        case .uniqueItems(let first, let duplicate):
            return make(.duplicateItems, "Item \(duplicate + 1) of \(field) repeats item \(first + 1).", "Remove the repeated item.")
        case .minProperties(let limit):
            return make(.tooFewFields, "\(field.capitalizedFirst) needs at least \(limit) field\(limit == 1 ? "" : "s").", nil)
        case .maxProperties(let limit):
            return make(.tooManyFields, "\(field.capitalizedFirst) may have at most \(limit) field\(limit == 1 ? "" : "s").", nil)
        case .dependentRequired(let property, let missing):
            return make(.missingField, "When `\(property)` is given, \(missing.map { named(violation.instancePath + [.key($0)]) }.joined(separator: " and ")) must be given too.", "Add the missing field, or remove `\(property)`.")
        case .anyOf(let branches), .oneOfNone(let branches):
            // Explain with the option that came closest: the one with the fewest problems.
            if let closest = branches.min(by: { $0.count < $1.count }), !closest.isEmpty, closest.count <= 2 {
                let inner = diagnostics(for: closest, in: root, draft: draft)
                if let first = inner.first {
                    return make(.noMatchingOption, "\(field.capitalizedFirst) does not fit any of its allowed forms. Closest: \(first.message)", first.fix)
                }
            }
            return make(.noMatchingOption, "\(field.capitalizedFirst) does not fit any of its allowed forms.", "Compare it with the field's description in `schema.yaml`.")
        case .oneOfMany(let matching):
            return make(.noMatchingOption, "\(field.capitalizedFirst) fits \(matching.count) of its alternative forms, but must fit exactly one.", nil)
        case .not:
            return make(.forbiddenValue, "\(field.capitalizedFirst) has a value the schema forbids here.", nil)
        case .falseSchema:
            if case .key(let name)? = violation.instancePath.last {
                return make(.unknownField, "`\(name)` is not allowed here.", "Remove it.")
            }
            return make(.forbiddenValue, "\(field.capitalizedFirst) is not allowed here.", "Remove it.")
        }
    }

    /// "the field `status` (Status)" or "`personal_data` (Personal data) of item 2 of `datasets`".
    func describe(_ path: [PathComponent]) -> String {
        guard !path.isEmpty else { return "the entry" }
        return "the field " + named(path)
    }

    func named(_ path: [PathComponent]) -> String {
        var parts: [String] = []
        var current = ""
        for component in path {
            switch component {
            case .key(let key):
                current = current.isEmpty ? key : "\(current).\(key)"
                parts.append("`\(key)`")
            case .index(let index):
                if let last = parts.popLast() { parts.append("item \(index + 1) of \(last)") }
            }
        }
        var text = parts.reversed().joined(separator: " in ")
        if let label = vocabulary.labels[pathKey(path)], label.lowercased() != SchemaText.humanKey(path).lowercased() {
            text += " (\(label))"
        }
        return text
    }

    func pathKey(_ path: [PathComponent]) -> String {
        path.compactMap { if case .key(let key) = $0 { return key } else { return nil } }.joined(separator: ".")
    }

    static func lookup(_ path: [PathComponent], in root: Value) -> Value? {
        var current: Value? = root
        for component in path {
            switch component {
            case .key(let key): current = current?[key]
            case .index(let index): current = current?.array.flatMap { index < $0.count ? $0[index] : nil }
            }
        }
        return current
    }

    /// The value quoted for a message, shortened when long; nil for lists and groups.
    static func quote(_ value: Value) -> String? {
        let text: String
        switch value.kind {
        case .string(let s): text = s.count > 60 ? "`\(s.prefix(57))...`" : "`\(s)`"
        case .array, .object: return nil
        default: text = "`\(value.jsonText(pretty: false))`"
        }
        return text.replacingOccurrences(of: "\n", with: " ")
    }

    static func typeName(_ name: String) -> String {
        switch name {
        case "string": return "text"
        case "integer": return "a whole number"
        case "number": return "a number"
        case "boolean": return "true or false"
        case "array": return "a list"
        case "object": return "a group of fields"
        case "null": return "empty"
        default: return name
        }
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

enum SchemaText {
    static func humanKey(_ path: [PathComponent]) -> String {
        guard case .key(let key)? = path.last(where: { if case .key = $0 { return true } else { return false } }) else { return "" }
        return EntrySchema.humanize(key)
    }
}

extension ViolationKind {
    var isExclusive: Bool {
        switch self {
        case .exclusiveMinimum, .exclusiveMaximum: return true
        default: return false
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
