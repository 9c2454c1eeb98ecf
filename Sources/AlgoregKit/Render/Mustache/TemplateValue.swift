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

/// A name a template looks up, with its hash worked out once when the template is parsed, so
/// rendering a page never hashes a name it looks up.
struct TemplateName: Sendable, Equatable {
    let text: String
    let hash: UInt64

    init(_ text: String) {
        self.text = text
        hash = Self.hash(text)
    }

    /// FNV-1a over the UTF-8 bytes: names are short, and this costs a few cycles a byte where
    /// the standard library's seeded SipHash costs a setup and a finalisation per name.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

/// Named values in the order they were given. A name is found by its hash: a scan of the
/// hashes for objects with a handful of names, an open-addressing table for objects with many
/// (the UI strings, a system's card), then one comparison of the name itself. The storage is
/// one reference, copied on write: passing an object around costs one retain, and setting a
/// name on an object nobody else holds changes it in place.
public struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    // Unchecked: storage is only changed through `set`, and only when this object is its sole
    // owner (`isKnownUniquelyReferenced`), so no other thread can be reading it.
    final class Storage: @unchecked Sendable {
        private(set) var keys: [String]
        private(set) var values: [TemplateValue]
        private var hashes: [UInt64]
        /// For large objects: position + 1 of each name at its hash's slot (0: empty).
        private var table: [Int32] = []

        init(keys: [String], values: [TemplateValue]) {
            self.keys = keys
            self.values = values
            hashes = keys.map(TemplateName.hash)
            makeTableIfLarge()
        }

        private init(copying other: Storage) {
            keys = other.keys
            values = other.values
            hashes = other.hashes
            table = other.table
        }

        func copy() -> Storage { Storage(copying: self) }

        func position(of key: String, hash: UInt64) -> Int? {
            if table.isEmpty {
                var position = 0
                while position < hashes.count {
                    if hashes[position] == hash && keys[position] == key { return position }
                    position += 1
                }
                return nil
            }
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = Int(table[slot])
                if entry == 0 { return nil }
                if hashes[entry - 1] == hash && keys[entry - 1] == key { return entry - 1 }
                slot = (slot + 1) & mask
            }
        }

        /// Replaces, adds (at the end) or, with nil, removes a name.
        func set(_ key: String, _ value: TemplateValue?) {
            let hash = TemplateName.hash(key)
            if let position = position(of: key, hash: hash) {
                if let value {
                    values[position] = value
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                    hashes.remove(at: position)
                    makeTableIfLarge()
                }
            } else if let value {
                keys.append(key)
                values.append(value)
                hashes.append(hash)
                if table.isEmpty || keys.count * 2 > table.count { makeTableIfLarge() } else { insert(keys.count - 1) }
            }
        }

        private func makeTableIfLarge() {
            guard keys.count >= TemplateObject.indexedFrom else {
                table = []
                return
            }
            var size = 1
            while size < keys.count * 4 { size <<= 1 }
            table = Array(repeating: 0, count: size)
            for position in keys.indices { insert(position) }
        }

        private func insert(_ position: Int) {
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: hashes[position]) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(position + 1)
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
        keys.reserveCapacity(pairs.underestimatedCount)
        values.reserveCapacity(pairs.underestimatedCount)
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

    /// The value of a name a template looks up (its hash already known).
    subscript(name: TemplateName) -> TemplateValue? {
        storage.position(of: name.text, hash: name.hash).map { storage.values[$0] }
    }

    public subscript(key: String) -> TemplateValue? {
        get { storage.position(of: key, hash: TemplateName.hash(key)).map { storage.values[$0] } }
        set {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            storage.set(key, newValue)
        }
    }
}
