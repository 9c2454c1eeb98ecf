/// Writes a `Value` as block-style YAML that `YAMLLoader` reads back to the same value:
/// plain scalars where they stay text, double quotes where needed, `|` blocks for multi-line text.
public enum YAMLEmitter {
    /// An object as front matter lines (no `---`), ending with a newline.
    public static func emit(_ object: Object) -> String {
        var out = ""
        writeObject(object, indent: 0, into: &out)
        return out
    }

    static func writeObject(_ object: Object, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (n, member) in object.members.enumerated() {
            // After "- " the first key is already indented.
            if !(n == 0 && out.hasSuffix("- ")) { out += pad }
            out += key(member.key) + ":"
            writeValue(member.value, indent: indent, into: &out)
        }
    }

    /// Writes what follows `key:` (or `-`): an inline scalar, or a nested block on the next lines.
    static func writeValue(_ value: Value, indent: Int, into out: inout String) {
        switch value.kind {
        case .object(let object) where !object.isEmpty:
            out += "\n"
            writeObject(object, indent: indent + 2, into: &out)
        case .array(let items) where !items.isEmpty:
            out += "\n"
            writeArray(items, indent: indent + 2, into: &out)
        case .string(let s) where s.contains("\n") && blockSafe(s):
            out += " " + block(s, indent: indent + 2)
        default:
            out += " " + scalar(value) + "\n"
        }
    }

    static func writeArray(_ items: [Value], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            out += pad + "-"
            switch item.kind {
            case .object(let object) where !object.isEmpty:
                out += " "
                writeObject(object, indent: indent + 2, into: &out)
            case .array(let inner) where !inner.isEmpty:
                out += "\n"
                writeArray(inner, indent: indent + 2, into: &out)
            case .string(let s) where s.contains("\n") && blockSafe(s):
                out += " " + block(s, indent: indent + 2)
            default:
                out += " " + scalar(item) + "\n"
            }
        }
    }

    static func scalar(_ value: Value) -> String {
        switch value.kind {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d):
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
            let text = String(d)
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        case .string(let s): return string(s)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    static func key(_ s: String) -> String { isPlainSafe(s) ? s : quoted(s) }

    public static func string(_ s: String) -> String { isPlainSafe(s) ? s : quoted(s) }

    /// A plain scalar must read back as this same text.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        if first == " " || last == " " { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            // "-x" and "?x" and ":x" are fine in YAML, but keep it simple and safe.
            return false
        }
        for c in s.unicodeScalars {
            if c.value < 0x20 || c.value == 0x7F || c == "\u{FEFF}" || (c.value >= 0x80 && c.value <= 0x9F) || c == "\u{2028}" || c == "\u{2029}" { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        if case .string = YAMLLoader.resolvePlain(s) {} else { return false }
        return true
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F || (c.value >= 0x80 && c.value <= 0x9F) || c == "\u{FEFF}" || c == "\u{2028}" || c == "\u{2029}" {
                    out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// Literal blocks keep text exactly unless it has characters or shapes they cannot carry.
    static func blockSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first != " ", first != "\n" else { return false }
        for c in s.unicodeScalars where (c.value < 0x20 && c != "\n") || c.value == 0x7F || c == "\u{FEFF}" || (c.value >= 0x80 && c.value <= 0x9F) || c == "\u{2028}" || c == "\u{2029}" { return false }
        // A line of only spaces at the end would be taken as trailing blank lines.
        return true
    }

    static func block(_ s: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var trailing = 0
        var body = Substring(s)
        while body.hasSuffix("\n") { body = body.dropLast(); trailing += 1 }
        let chomp = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
        var out = "|\(chomp)\n"
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            out += line.isEmpty ? "\n" : pad + line + "\n"
        }
        if trailing > 1 { out += String(repeating: "\n", count: trailing - 1) }
        return out
    }
}
