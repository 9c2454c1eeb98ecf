/// What a Mustache page is rendered with. Page contexts are built as these typed values so the
/// renderer reads them with a switch instead of a dynamic cast on every name it looks up (the
/// cost that made swift-mustache's `[String: Any]` contexts half of a build).
public enum TemplateValue: Sendable {
    /// Text; `{{name}}` escapes it for HTML, `{{{name}}}` writes it as it is.
    case text(String)
    case number(Int)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    /// Text with the page's root (the relative path to the site root, e.g. `../../`) between its
    /// parts. Lets one card or link be built once and shared by pages at every depth.
    case relative([String])
    case null

    /// A path from the site root, written with the page's root in front of it.
    public static func link(_ path: String) -> TemplateValue { .relative(["", path]) }

    public subscript(key: String) -> TemplateValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    public var string: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// Mustache's truthiness for `{{#name}}`: as swift-mustache had it, any text (even empty)
    /// and any number open the section; `false`, nothing and an empty list do not.
    var isFalsy: Bool {
        switch self {
        case .bool(let flag): return !flag
        case .null: return true
        case .list(let items): return items.isEmpty
        default: return false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral text: String) { self = .text(text) }
    public init(booleanLiteral flag: Bool) { self = .bool(flag) }
    public init(integerLiteral number: Int) { self = .number(number) }
    public init(arrayLiteral items: TemplateValue...) { self = .list(items) }
    public init(dictionaryLiteral pairs: (String, TemplateValue)...) {
        self = .object(Dictionary(pairs, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension Optional where Wrapped == String {
    /// The text, or nothing (a missing value renders as "" and closes `{{#section}}`).
    var templateValue: TemplateValue { map(TemplateValue.text) ?? .null }
}
