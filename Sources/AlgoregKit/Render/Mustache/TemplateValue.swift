/// What a Mustache page is rendered with. Page contexts are built as these typed values so the
/// renderer reads them with a switch instead of a dynamic cast on every name it looks up (the
/// cost that made swift-mustache's `[String: Any]` contexts half of a build).
public enum TemplateValue: Sendable {
    /// Text; `{{name}}` escapes it for HTML, `{{{name}}}` writes it as it is.
    case text(String)
    case number(Int)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)
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
        self = .object(TemplateObject(pairs))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// Named values in the order they were given. Most objects a page is made of have a handful
/// of names, which a linear search over short keys finds faster than hashing the name; objects
/// with many names (the UI strings) also get a hash index. The storage is one immutable
/// reference: passing an object around costs one retain, and reading it needs no exclusivity
/// check; setting a name makes new storage (objects are small and set a few times).
public struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    final class Storage: Sendable {
        let keys: [String]
        let values: [TemplateValue]
        let index: [String: Int]?

        init(keys: [String], values: [TemplateValue]) {
            self.keys = keys
            self.values = values
            index = keys.count >= TemplateObject.indexedFrom ? Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, last in last }) : nil
        }

        func position(of key: String) -> Int? {
            if let index { return index[key] }
            return keys.firstIndex(of: key)
        }
    }

    private var storage: Storage
    static let indexedFrom = 16

    public init(dictionaryLiteral pairs: (String, TemplateValue)...) {
        self.init(pairs)
    }

    /// Later pairs win over earlier ones with the same name.
    public init<Pairs: Sequence>(_ pairs: Pairs) where Pairs.Element == (String, TemplateValue) {
        var keys: [String] = []
        var values: [TemplateValue] = []
        for (key, value) in pairs {
            if let position = keys.firstIndex(of: key) {
                values[position] = value
            } else {
                keys.append(key)
                values.append(value)
            }
        }
        storage = Storage(keys: keys, values: values)
    }

    public init(_ dictionary: [String: TemplateValue]) {
        let sorted = dictionary.sorted { $0.key < $1.key }
        storage = Storage(keys: sorted.map(\.key), values: sorted.map(\.value))
    }

    public subscript(key: String) -> TemplateValue? {
        get { storage.position(of: key).map { storage.values[$0] } }
        set {
            var keys = storage.keys
            var values = storage.values
            if let position = storage.position(of: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            } else {
                return
            }
            storage = Storage(keys: keys, values: values)
        }
    }
}
