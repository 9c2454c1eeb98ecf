import Foundation

/// One compiled (sub)schema: the checks it applies, in the order the schema lists them.
/// Validation only walks these; it never looks at the schema's `Value` again.
final class SchemaNode {
    var checks: [SchemaCheck] = []
}

/// A `$ref`, filled in after the whole schema is compiled because targets may come later in
/// the file or refer back to an enclosing schema. `JSONSchema` keeps every node alive, so the
/// unowned link cannot dangle and reference cycles do not leak.
final class ReferenceTarget {
    let reference: String
    let location: SourceLocation
    unowned(unsafe) var node: SchemaNode?

    init(reference: String, location: SourceLocation) {
        self.reference = reference
        self.location = location
    }
}

/// The JSON types a `type` keyword accepts; "integer" is its own bit so "number" can include it.
struct InstanceTypes: OptionSet {
    let rawValue: UInt8

    static let null = InstanceTypes(rawValue: 1 << 0)
    static let boolean = InstanceTypes(rawValue: 1 << 1)
    static let object = InstanceTypes(rawValue: 1 << 2)
    static let array = InstanceTypes(rawValue: 1 << 3)
    static let fractional = InstanceTypes(rawValue: 1 << 4)
    static let integer = InstanceTypes(rawValue: 1 << 5)
    static let string = InstanceTypes(rawValue: 1 << 6)

    static let byName: [String: InstanceTypes] = [
        "null": .null, "boolean": .boolean, "object": .object, "array": .array,
        "number": [.fractional, .integer], "integer": .integer, "string": .string,
    ]

    /// The one bit describing an instance; 1.0 counts as an integer, as JSON Schema says.
    init(of value: Value) {
        switch value.kind {
        case .null: self = .null
        case .bool: self = .boolean
        case .object: self = .object
        case .array: self = .array
        case .string: self = .string
        case .integer: self = .integer
        case .number(let number): self = number.isFinite && number.rounded() == number ? .integer : .fractional
        }
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }
}

/// A `patternProperties` entry with its regex compiled once.
struct PropertyPattern {
    let regex: NSRegularExpression
    let schema: SchemaNode
}

/// `properties`: the schema of each declared member name, found by the name's `KeyIndex` hash
/// (an entry's fields are checked by the thousand; a dictionary would hash each name again).
struct SchemaProperties {
    private var names: [String] = []
    private var schemas: [SchemaNode] = []
    private var index = KeyIndex()

    mutating func append(_ name: String, _ schema: SchemaNode) {
        names.append(name)
        schemas.append(schema)
        index.append(hash: KeyIndex.hash(name))
    }

    /// The schema of the member `name`, whose hash is `hash`.
    func schema(for name: String, hash: UInt64) -> SchemaNode? {
        names.withUnsafeBufferPointer { names in index.position(hash: hash) { names[$0] == name } }.map { schemas[$0] }
    }
}

/// What `additionalProperties` does with members that no `properties`/`patternProperties` covers.
enum AdditionalProperties {
    /// `false`: reported as one `additionalProperty` violation at the key, with "did you mean".
    case forbidden
    case schema(SchemaNode)
}

/// One keyword (or a group of keywords that must be evaluated together), compiled.
enum SchemaCheck {
    case falseSchema
    case type(InstanceTypes, names: [String])
    case members(properties: SchemaProperties, patterns: [PropertyPattern], additional: AdditionalProperties?, declaredNames: [String])
    case required([String])
    case propertyNames(SchemaNode)
    case minProperties(Int)
    case maxProperties(Int)
    case dependentRequired([(property: String, required: [String])])
    case dependentSchemas([(property: String, schema: SchemaNode)])
    case enumeration([Value])
    case constant(Value)
    case pattern(StringPattern, source: String)
    case format(StringFormat)
    case minLength(Int)
    case maxLength(Int)
    case minimum(Double)
    case maximum(Double)
    case exclusiveMinimum(Double)
    case exclusiveMaximum(Double)
    case multipleOf(Double)
    case items(prefix: [SchemaNode], rest: SchemaNode?)
    case contains(SchemaNode, minimum: Int, maximum: Int?)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case allOf([(schema: SchemaNode, description: String?)])
    case anyOf([SchemaNode])
    case oneOf([SchemaNode])
    case not(SchemaNode)
    case conditional(if: SchemaNode, then: SchemaNode?, else: SchemaNode?, description: String?)
    case reference(ReferenceTarget)
}

/// A compiled `pattern`. A pattern that is `^` and plain characters (`^https://`, the most
/// common one in registers' schemas) is checked as a prefix of the UTF-8 bytes: the regular
/// expression engine converts every text to UTF-16 first, which cost more than the check.
struct StringPattern: @unchecked Sendable {
    let regex: NSRegularExpression
    let literalPrefix: [UInt8]?

    init(_ regex: NSRegularExpression, source: String) {
        self.regex = regex
        let metacharacters = Set("\\^$.|?*+()[]{}".utf8)
        let rest = source.utf8.dropFirst()
        literalPrefix = source.hasPrefix("^") && !rest.isEmpty && !rest.contains(where: metacharacters.contains) ? Array(rest) : nil
    }

    func matches(_ text: String) -> Bool {
        if let literalPrefix { return text.utf8.starts(with: literalPrefix) }
        return regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }
}
