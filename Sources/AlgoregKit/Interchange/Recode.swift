import Foundation

/// Cleaning and recoding of spreadsheet values: the spellings real registers use, brought to
/// the schema's enumerations.
public enum Recode {
    /// Mis-encoded characters seen in published files: UTF-8 read as Windows-1252 ("â€“"),
    /// and the Windows-1252 dash read as Mac Roman ("ñ" between spaces).
    static let mojibake: [(String, String)] = [
        ("â€“", "–"), ("â€”", "—"), ("â€™", "’"), ("â€˜", "‘"), ("â€œ", "“"), ("â€\u{9D}", "”"), ("Ã©", "é"), ("Ã«", "ë"),
    ]

    /// Fixes mis-encoded sequences and trims spaces; safe for any free text.
    public static func cleanText(_ text: String) -> String {
        var s = text
        if s.firstRange(of: "â€") != nil || s.firstRange(of: "Ã") != nil { for (bad, good) in mojibake { s = s.replacingEvery(bad, with: good) } }
        return s.trimmed
    }

    /// The comparison key of an enumeration value: lowercased, mis-encoded dashes fixed, list
    /// numbering ("b)", "b)  b)", "2.") and the explanation after a dash removed, spaces collapsed.
    public static func key(_ raw: String) -> String {
        var s = cleanText(raw).replacingEvery(" ñ ", with: " – ").lowercased()
        // Drop the explanation after a spaced dash: "b) Pilot – in a test" -> "b) Pilot".
        for dash in [" – ", " — ", " - ", " ñ "] {
            if let range = s.firstRange(of: dash) { s = String(s[..<range.lowerBound]) }
        }
        // Numbering, possibly repeated by a bad copy: "b)", "b.", "(b)", "2)", "2.".
        while let rest = dropNumbering(Substring(s)) { s = String(rest) }
        let words = s.split(whereSeparator: { $0.isWhitespace || $0 == "_" }).joined(separator: " ")
        return String(words.drop { " .;,".contains($0) }.reversed().drop { " .;,".contains($0) }.reversed())
    }

    /// "b) rest" / "(2). rest" -> "rest"; nil when there is no numbering.
    static func dropNumbering(_ text: Substring) -> Substring? {
        var s = text.drop { $0 == " " }
        if s.first == "(" { s = s.dropFirst() }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        if digits.count >= 1 && digits.count <= 2 { s = s.dropFirst(digits.count) }
        else if let c = s.first, c.isASCII, c.isLetter { s = s.dropFirst() }
        else { return nil }
        guard let mark = s.first, mark == ")" || mark == "." else { return nil }
        s = s.dropFirst()
        guard let space = s.first, space.isWhitespace else { return nil }
        return s.drop { $0.isWhitespace }
    }

    /// Splits a multi-select cell: "['a', 'b']", "[\"a\", \"b\"]", "a; b" or lines.
    public static func list(_ raw: String) -> [String] {
        let s = cleanText(raw)
        if s.isEmpty { return [] }
        if s.hasPrefix("[") && s.hasSuffix("]") {
            let inner = s.dropFirst().dropLast()
            var items: [String] = [], current = "", quote: Character? = nil
            for c in inner {
                if let q = quote {
                    if c == q { quote = nil } else { current.append(c) }
                } else if c == "'" || c == "\"" {
                    quote = c
                } else if c == "," {
                    items.append(current); current = ""
                } else {
                    current.append(c)
                }
            }
            items.append(current)
            return items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
        let separators: Set<Character> = s.contains(";") ? [";"] : s.contains("\n") ? ["\n"] : [";"]
        return s.split(whereSeparator: { separators.contains($0) }).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Removes the few HTML tags the Dutch register allows, keeping paragraphs and list items
    /// as Markdown.
    public static func stripHTML(_ raw: String) -> String {
        guard raw.contains("<") else { return raw }
        var s = raw
        s = s.replacingOccurrences(of: #"<br\s*/?>"#, with: "\n", options: [.regularExpression, .caseInsensitive])
        s = s.replacingOccurrences(of: #"<li[^>]*>"#, with: "\n- ", options: [.regularExpression, .caseInsensitive])
        s = s.replacingOccurrences(of: #"</(p|div|ul|ol)>"#, with: "\n\n", options: [.regularExpression, .caseInsensitive])
        s = s.replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
        s = s.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        s = s.replacingOccurrences(of: #"\n{3,}"#, with: "\n\n", options: .regularExpression)
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// "2021/04", "2021-04", "2021-04-15", "04/15/2021", "2021" -> (YYYY-MM or nil when the month
    /// is unknown, recognised).
    // Compiled once: a regex literal inside a function is built again on every call.
    nonisolated(unsafe) static let isoYearMonth = /(\d{4})[\/\-.](\d{1,2})([\/\-.]\d{1,2})?(T.*| .*)?/
    nonisolated(unsafe) static let usDate = /(\d{1,2})\/(\d{1,2})\/(\d{4})/
    nonisolated(unsafe) static let yearOnly = /\d{4}/
    nonisolated(unsafe) static let isoDate = /(\d{4})-(\d{2})-(\d{2})([T ].*)?/

    public static func yearMonth(_ raw: String) -> (value: String?, recognised: Bool) {
        let s = raw.trimmed
        if let m = s.wholeMatch(of: isoYearMonth) {
            let month = Int(m.2) ?? 0
            if month == 0 { return (nil, true) }
            guard (1...12).contains(month) else { return (nil, false) }
            return (String(format: "%@-%02d", String(m.1), month), true)
        }
        if let m = s.wholeMatch(of: usDate) {
            let month = Int(m.1) ?? 0
            guard (1...12).contains(month) else { return (nil, false) }
            return (String(format: "%@-%02d", String(m.3), month), true)
        }
        if s.wholeMatch(of: yearOnly) != nil { return (nil, true) }
        return (nil, false)
    }

    /// "2024-05-01", "2024-05-01T10:00:00Z", "05/01/2024" (US month first) -> "2024-05-01".
    public static func date(_ raw: String) -> String? {
        let s = raw.trimmed
        if let m = s.wholeMatch(of: isoDate) { return "\(m.1)-\(m.2)-\(m.3)" }
        if let m = s.wholeMatch(of: usDate), let mo = Int(m.1), let d = Int(m.2), (1...12).contains(mo), (1...31).contains(d) {
            return String(format: "%@-%02d-%02d", String(m.3), mo, d)
        }
        return nil
    }

    public static func bool(_ raw: String) -> Bool? {
        switch key(raw) {
        case "true", "yes", "y", "1", "ja", "x": return true
        case "false", "no", "n", "0", "nee": return false
        default: return nil
        }
    }
}
