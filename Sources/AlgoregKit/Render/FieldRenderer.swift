/// Escapes text for HTML element content and attribute values.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var bytes = text
        guard bytes.withUTF8({ EscapeScan.firstHTMLEscape(in: $0, from: 0) < $0.count }) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 16)
        escape(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the escaped UTF-8 bytes, copying the runs that need no escaping in one go.
    static func escape(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var copied = 0
            while case let index = EscapeScan.firstHTMLEscape(in: bytes, from: copied), index < bytes.count {
                let replacement: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                default: replacement = "&#39;"
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
                output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                copied = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        }
    }
}

/// Turns one field's value into safe HTML for the system page, following the schema:
/// Markdown through cmark-gfm, enumerations as their labels, lists of groups as tables.
struct FieldRenderer {
    var templates: TemplateSet
    var language: String
    var defaultLanguage: String
    var strings: [String: String]
    /// Shows a department's name instead of its id.
    var departmentName: (String) -> String = { $0 }
    /// Shared by a system's pages in every language.
    var markdown = MarkdownMemo()

    static func isEmpty(_ value: Value?) -> Bool {
        guard let value else { return true }
        switch value.kind {
        case .null: return true
        case .string(let s): return isBlank(s)
        case .array(let items): return items.isEmpty
        case .object(let object): return object.isEmpty
        default: return false
        }
    }

    /// Only whitespace (or nothing). Bytes are checked first: a text that starts with a
    /// letter is decided at its first byte, without walking its characters.
    static func isBlank(_ text: String) -> Bool {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C: continue
            case 0x80...: return text.allSatisfy(\.isWhitespace)
            default: return false
            }
        }
        return true
    }

    /// Whether `html(value, field:)` gives the same HTML in every language: no labels, yes/no,
    /// enumeration values or department names in it.
    static func rendersAlikeInEveryLanguage(_ value: Value, field: EntrySchema.Field) -> Bool {
        switch value.kind {
        case .null, .integer, .number: return true
        case .bool, .object: return false
        case .string: return field.isMarkdown || (field.enumeration.isEmpty && field.key != "department")
        case .array(let items):
            return field.children.isEmpty && items.allSatisfy { rendersAlikeInEveryLanguage($0, field: field) }
        }
    }

    func label(_ field: EntrySchema.Field) -> String {
        field.label.text(language, fallback: defaultLanguage)
    }

    func html(_ value: Value, field: EntrySchema.Field) -> String {
        switch value.kind {
        case .null: return ""
        case .bool(let flag): return HTML.escape(strings[flag ? "yes" : "no"] ?? (flag ? "Yes" : "No"))
        case .integer, .number: return HTML.escape(value.jsonText(pretty: false))
        case .string(let text):
            if field.isMarkdown { return markdown.html(text) }
            if !field.enumeration.isEmpty {
                return HTML.escape(templates.valueLabel(field: field.key, value: text, language: language, fallback: defaultLanguage))
            }
            if field.format == "uri" || field.format == "email" { return link(text, isEmail: field.format == "email") }
            if field.key == "department" { return HTML.escape(departmentName(text)) }
            return HTML.escape(text)
        case .array(let items):
            if !field.children.isEmpty { return table(items, field: field) }
            let rendered = items.map { "<li>\(html($0, field: field))</li>" }.joined()
            return "<ul>\(rendered)</ul>"
        case .object(let object):
            let rows = field.children.compactMap { child -> String? in
                guard let value = object[child.key], !Self.isEmpty(value) else { return nil }
                return "<dt>\(HTML.escape(label(child)))</dt><dd>\(html(value, field: child))</dd>"
            }
            return "<dl>\(rows.joined())</dl>"
        }
    }

    func link(_ target: String, isEmail: Bool) -> String {
        let href = isEmail ? "mailto:\(target)" : target
        guard MarkdownRenderer.isAllowed(href) else { return HTML.escape(target) }
        return "<a href=\"\(HTML.escape(href))\">\(HTML.escape(target))</a>"
    }

    /// A list of groups (datasets, risks, impact assessments) as a table, one row per item.
    func table(_ items: [Value], field: EntrySchema.Field) -> String {
        let columns = field.children.filter { child in items.contains { !Self.isEmpty($0[child.key]) } }
        // Made as UTF-8 bytes, with plain text cells escaped straight into them: a table has
        // hundreds of cells, and a string per cell, appended to a string, cost more than the cells.
        var output: [UInt8] = []
        output.reserveCapacity(256 * (items.count + 1) * max(columns.count, 1))
        func append(_ literal: StaticString) {
            output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
        append("<div class=\"table-scroll\"><table><caption>")
        HTML.escape(label(field), into: &output)
        append("</caption><thead><tr>")
        for column in columns {
            append("<th scope=\"col\">")
            HTML.escape(label(column), into: &output)
            append("</th>")
        }
        append("</tr></thead><tbody>")
        for item in items {
            append("<tr>")
            for column in columns {
                append("<td>")
                if let value = item[column.key] {
                    if case .string(let text) = value.kind, Self.isPlainText(column) {
                        HTML.escape(text, into: &output)
                    } else {
                        output.append(contentsOf: html(value, field: column).utf8)
                    }
                }
                append("</td>")
            }
            append("</tr>")
        }
        append("</tbody></table></div>")
        return String(decoding: output, as: UTF8.self)
    }

    /// A text field `html` escapes and nothing more (not Markdown, a label, a link or a department).
    static func isPlainText(_ field: EntrySchema.Field) -> Bool {
        !field.isMarkdown && field.enumeration.isEmpty && field.format != "uri" && field.format != "email" && field.key != "department"
    }
}
