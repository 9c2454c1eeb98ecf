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

    /// Whether this is a `TemplateObject.placeholder`.
    var isPlaceholder: Bool {
        if case .object(let object) = self { return object.isPlaceholder }
        return false
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
        hash = KeyIndex.hash(text)
    }
}

/// Distinct names, and their index, for objects that all have them (`TemplateObject(_:_:)`).
struct TemplateKeys: Sendable {
    let keys: [String]
    let index: KeyIndex

    init(_ keys: [String]) {
        precondition(Set(keys).count == keys.count, "distinct names")
        self.keys = keys
        index = KeyIndex(keys)
    }
}

/// Named values in the order they were given, found by their `KeyIndex` hash. The storage is
/// one reference, copied on write: passing an object around costs one retain, and setting a
/// name on an object nobody else holds changes it in place.
public struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    // Unchecked: storage is only changed through `set`, and only when this object is its sole
    // owner (`isKnownUniquelyReferenced`), so no other thread can be reading it.
    final class Storage: @unchecked Sendable {
        private(set) var keys: [String]
        private(set) var values: [TemplateValue]
        private var index: KeyIndex
        /// The digest of the keys and values, when worked out once (`sealed`) for an object
        /// that many pages share (a card); dropped by any change.
        private(set) var digest: TemplateDigest?

        init(keys: [String], values: [TemplateValue], hashes: [UInt64]? = nil) {
            self.keys = keys
            self.values = values
            index = hashes.map { KeyIndex(hashes: $0) } ?? KeyIndex(keys)
        }

        init(keys: TemplateKeys, values: [TemplateValue]) {
            self.keys = keys.keys
            self.values = values
            index = keys.index
        }

        private init(copying other: Storage) {
            keys = other.keys
            values = other.values
            index = other.index
        }

        /// No keys or values, only a digest: stands for an object in a digest, never in a page.
        init(placeholderFor digest: TemplateDigest) {
            keys = []
            values = []
            index = KeyIndex([])
            self.digest = digest
        }

        func sealedCopy() -> Storage {
            let copy = Storage(copying: self)
            var digest = TemplateDigest()
            digest.add(keys: keys, values: values)
            copy.digest = digest
            return copy
        }

        func copy() -> Storage { Storage(copying: self) }

        /// The storage of the value at `position` when it is an object, unowned (the renderer's).
        func objectStorage(at position: Int) -> Unmanaged<Storage>? {
            if case .object(let object) = values[position] { return object.unmanagedStorage }
            return nil
        }

        func position(of key: String, hash: UInt64) -> Int? {
            keys.withUnsafeBufferPointer { keys in index.position(hash: hash) { keys[$0] == key } }
        }

        /// Replaces, adds (at the end) or, with nil, removes a name.
        func set(_ key: String, _ value: TemplateValue?) {
            digest = nil
            let hash = KeyIndex.hash(key)
            if let position = position(of: key, hash: hash) {
                if let value {
                    values[position] = value
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                    index.remove(at: position)
                }
            } else if let value {
                keys.append(key)
                values.append(value)
                index.append(hash: hash)
            }
        }
    }

    private var storage: Storage

    /// For the renderer, which holds the context that owns this object for the whole render.
    var unmanagedStorage: Unmanaged<Storage> { .passUnretained(storage) }

    public init(dictionaryLiteral pairs: (String, TemplateValue)...) {
        self.init(pairs)
    }

    /// Later pairs win over earlier ones with the same name.
    public init<Pairs: Sequence>(_ pairs: Pairs) where Pairs.Element == (String, TemplateValue) {
        var keys: [String] = []
        var values: [TemplateValue] = []
        var hashes: [UInt64] = []
        keys.reserveCapacity(pairs.underestimatedCount)
        values.reserveCapacity(pairs.underestimatedCount)
        hashes.reserveCapacity(pairs.underestimatedCount)
        // Each key hashed once, for the index and to find a repeated name by its hash: every
        // page's values are made of these, and comparing each key with every earlier key was
        // a string comparison per pair of names.
        for (key, value) in pairs {
            let hash = KeyIndex.hash(key)
            var repeated: Int?
            for position in hashes.indices where hashes[position] == hash && keys[position] == key {
                repeated = position
                break
            }
            if let repeated {
                values[repeated] = value
            } else {
                keys.append(key)
                values.append(value)
                hashes.append(hash)
            }
        }
        storage = Storage(keys: keys, values: values, hashes: hashes)
    }

    /// An object with `keys` (made once, shared by every object made with them) and one value
    /// per key, in order: a page has one such object per field, and each made its own copy of
    /// the same four names and their index.
    init(_ keys: TemplateKeys, _ values: [TemplateValue]) {
        precondition(values.count == keys.keys.count, "one value per key")
        storage = Storage(keys: keys, values: values)
    }

    public init(_ dictionary: [String: TemplateValue]) {
        let sorted = dictionary.sorted { $0.key < $1.key }
        storage = Storage(keys: sorted.map(\.key), values: sorted.map(\.value))
    }

    /// The same object with its digest worked out now, for objects many pages hold: the digest
    /// of a page with 10,000 cards then reads each card's instead of its every value.
    func sealed() -> TemplateObject {
        var object = self
        object.storage = storage.sealedCopy()
        return object
    }

    /// An object known only by the digest it had when sealed (a card the previous build made
    /// from the same files): enough for a page's key, empty in a page.
    static func placeholder(_ digest: TemplateDigest) -> TemplateObject {
        TemplateObject(storage: Storage(placeholderFor: digest))
    }

    private init(storage: Storage) { self.storage = storage }

    /// The digest `sealed` worked out, while unchanged.
    var sealedDigest: TemplateDigest? { storage.digest }

    /// Whether this is a `placeholder`.
    var isPlaceholder: Bool { storage.digest != nil && storage.keys.isEmpty }

    /// The value of a name a template looks up (its hash already known).
    subscript(name: TemplateName) -> TemplateValue? {
        storage.position(of: name.text, hash: name.hash).map { storage.values[$0] }
    }

    public subscript(key: String) -> TemplateValue? {
        get { storage.position(of: key, hash: KeyIndex.hash(key)).map { storage.values[$0] } }
        set {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            storage.set(key, newValue)
        }
    }
}

/// 128 bits over a template context: everything a page's rendering reads besides the
/// templates, so a page whose context has the digest of the previous build's is the same page.
/// Each value goes in with its kind and, for text and lists, its length, so different values
/// never read as the same run of bytes.
struct TemplateDigest: Equatable, Sendable {
    private(set) var first: UInt64 = 0x243F_6A88_85A3_08D3
    private(set) var second: UInt64 = 0x1319_8A2E_0370_7344

    init() {}

    /// A digest as `key` gave it.
    init(_ key: PartKey) {
        first = key.first
        second = key.second
    }

    var key: PartKey { PartKey(first: first, second: second) }

    mutating func add(_ text: String, kind: UInt64) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0), kind: kind) }
    }

    /// One XXH64 per value (a page with 10,000 cards has a million of them), chained through
    /// `first`; `second` folds in each step's result another way, so the two words differ.
    mutating func add(_ bytes: UnsafeRawBufferPointer, kind: UInt64) {
        let tag = kind &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bytes.count)
        first = XXH64.hash(bytes, seed: first ^ tag)
        second = ((second ^ first) &* 0xC2B2_AE3D_27D4_EB4F) &+ tag
        second = (second << 31) | (second >> 33)
    }

    mutating func add(number: UInt64, kind: UInt64) {
        withUnsafeBytes(of: number.littleEndian) { add($0, kind: kind) }
    }

    mutating func add(_ value: TemplateValue) {
        switch value {
        case .text(let text): add(text, kind: 1)
        case .number(let number): add(number: UInt64(bitPattern: Int64(number)), kind: 2)
        case .bool(let flag): add(number: flag ? 1 : 0, kind: 3)
        case .null: add(number: 0, kind: 4)
        case .list(let items):
            add(number: UInt64(items.count), kind: 5)
            for item in items { add(item) }
        case .relative(let parts):
            add(number: UInt64(parts.count), kind: 6)
            for part in parts { add(part, kind: 7) }
        case .object(let object):
            let storage = object.unmanagedStorage.takeUnretainedValue()
            if let sealed = storage.digest {
                add(sealed)
            } else {
                add(keys: storage.keys, values: storage.values)
            }
        }
    }

    /// A sealed object's digest, both words in one hash: a page with 10,000 cards adds 10,000.
    mutating func add(_ sealed: TemplateDigest) {
        var words = (sealed.first.littleEndian, sealed.second.littleEndian)
        withUnsafeBytes(of: &words) { add($0, kind: 8) }
    }

    mutating func add(keys: [String], values: [TemplateValue]) {
        add(number: UInt64(keys.count), kind: 9)
        for (key, value) in zip(keys, values) {
            add(key, kind: 10)
            add(value)
        }
    }
}
