/// A position in a source file, 1-based, columns counted in Unicode scalars.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Stored in 32 bits each: every value and key of a register carries one, and a file is
    // never near four billion lines (the loader refuses files over 50 MB).
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public static let start = SourceLocation(line: 1, column: 1)

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }

    /// Moves a location found inside front matter to its place in the whole file.
    public func shifted(byLines lines: Int) -> SourceLocation {
        SourceLocation(line: line + lines, column: column)
    }
}

/// A JSON-compatible value parsed from YAML (or built in code), remembering where it came from.
/// Both the schema checker and the register model read this one type.
public struct Value: Sendable {
    public enum Kind: Sendable {
        case null
        case bool(Bool)
        case integer(Int)
        case number(Double)
        case string(String)
        case array([Value])
        case object(Object)
    }

    public var kind: Kind
    /// Where the value starts in its file (line 1, column 1 for values made in code).
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation = .start) {
        self.kind = kind
        self.location = location
    }
}

/// An object member keeps the location of its key, which is where "unknown field" points.
public struct Member: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: Value

    public init(key: String, keyLocation: SourceLocation = .start, value: Value) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A key and its `KeyIndex` hash, made once where the same key is looked up in every system.
struct HashedKey: Sendable {
    let name: String
    let hash: UInt64

    init(_ name: String) {
        self.name = name
        hash = KeyIndex.hash(name)
    }
}

/// Members in source order: order matters for output, lookup for validation (by `KeyIndex`).
public struct Object: Sendable {
    public private(set) var members: [Member]
    private var index = KeyIndex()

    public init(_ members: [Member] = []) {
        self.members = []
        for member in members { set(member) }
    }

    /// Members with distinct keys and their index already made (the YAML loader builds both).
    init(uniqueMembers members: [Member], index: KeyIndex) {
        self.members = members
        self.index = index
    }

    private func position(_ key: String, hash: UInt64) -> Int? {
        members.withUnsafeBufferPointer { members in index.position(hash: hash) { members[$0].key == key } }
    }

    private func position(_ key: String) -> Int? {
        position(key, hash: KeyIndex.hash(key))
    }

    /// The `KeyIndex` hash of the key of `members[position]`, for lookups of the same name elsewhere.
    func keyHash(at position: Int) -> UInt64 { index.hash(at: position) }

    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }

    public func member(_ key: String) -> Member? {
        position(key).map { members[$0] }
    }

    public subscript(key: String) -> Value? {
        position(key).map { members[$0].value }
    }

    /// The value of a key whose hash was worked out once, for lookups repeated on every system.
    subscript(key: HashedKey) -> Value? {
        position(key.name, hash: key.hash).map { members[$0].value }
    }

    /// Replaces the member with the same key in place, or appends it.
    public mutating func set(_ member: Member) {
        let hash = KeyIndex.hash(member.key)
        if let position = position(member.key, hash: hash) {
            members[position] = member
            return
        }
        members.append(member)
        index.append(hash: hash)
    }

    public mutating func remove(_ key: String) {
        remove(at: position(key))
    }

    mutating func remove(_ key: HashedKey) {
        remove(at: position(key.name, hash: key.hash))
    }

    private mutating func remove(at position: Int?) {
        guard let position else { return }
        members.remove(at: position)
        index.remove(at: position)
    }

    func member(_ key: HashedKey) -> Member? {
        position(key.name, hash: key.hash).map { members[$0] }
    }
}

extension Value {
    public static let null = Value(.null)

    public var isNull: Bool { if case .null = kind { return true } else { return false } }
    public var string: String? { if case .string(let s) = kind { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = kind { return b } else { return nil } }
    public var array: [Value]? { if case .array(let a) = kind { return a } else { return nil } }
    public var object: Object? { if case .object(let o) = kind { return o } else { return nil } }

    /// The numeric value of an integer or number, for comparisons where 1 == 1.0.
    /// Not inlined: inlined into an optional chain with `??`, it crashes Swift 6.3.1's
    /// optimizer (CopyPropagation, "Found outside of lifetime use") in release builds.
    public var double: Double? {
        @inline(never) get {
            numericValue
        }
    }

    private var numericValue: Double? {
        switch kind {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    public subscript(key: String) -> Value? { object?[key] }

    /// JSON type name as JSON Schema uses it ("integer" for whole numbers, even 1.0).
    public var jsonTypeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number(let d): return d.rounded() == d && d.isFinite ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension Value: Equatable {
    /// JSON equality: locations are ignored, 1 equals 1.0, object member order does not matter,
    /// and strings compare code point by code point ("é" and "e\u{301}" differ, as JSON Schema
    /// requires; Swift's `String ==` would call them equal).
    public static func == (a: Value, b: Value) -> Bool {
        switch (a.kind, b.kind) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.members.allSatisfy { member in y[member.key].map { $0 == member.value } ?? false }
        default:
            if let x = a.double, let y = b.double { return x == y }
            return false
        }
    }
}
