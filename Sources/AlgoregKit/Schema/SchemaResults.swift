/// A problem in the schema file itself, found while compiling it.
public struct SchemaProblem: Sendable, Equatable {
    public var location: SourceLocation
    public var code: DiagnosticCode
    public var message: String
    public var fix: String?

    public init(location: SourceLocation, code: DiagnosticCode, message: String, fix: String? = nil) {
        self.location = location
        self.code = code
        self.message = message
        self.fix = fix
    }
}

/// One step from the instance root to the offending value.
public enum PathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let key): return key
        case .index(let index): return String(index)
        }
    }
}

/// One way an instance fails the schema.
public struct SchemaViolation: Sendable, Equatable {
    public var instancePath: [PathComponent]
    /// The offending value; for an additional property or a bad property name the key;
    /// for missing required properties the object.
    public var location: SourceLocation
    public var kind: ViolationKind
    /// The `description` of each enclosing schema holding the `if`/`then`/`else` (or the
    /// described `allOf` item) that produced this violation, outermost first: it tells the
    /// user *why* the rule applies.
    public var context: [String]

    public init(instancePath: [PathComponent], location: SourceLocation, kind: ViolationKind, context: [String] = []) {
        self.instancePath = instancePath
        self.location = location
        self.kind = kind
        self.context = context
    }

    /// The dotted path users see, e.g. `owner.contacts.0.email`; empty at the root.
    public var pathText: String { instancePath.map(\.description).joined(separator: ".") }
}

public enum ViolationKind: Sendable, Equatable {
    /// All names missing from one `required`, reported together.
    case missingRequired([String])
    /// `allowed` are the names from `properties`, for "did you mean".
    case additionalProperty(name: String, allowed: [String])
    case propertyName(name: String, violations: [SchemaViolation])
    case type(expected: [String], actual: String)
    case enumeration(allowed: [Value])
    case constant(Value)
    case pattern(String)
    /// The string does not have the shape of the format (`date`, `date-time`, `email`, `uri`).
    case format(String)
    /// A `date` or `date-time` of the right shape naming a day that does not exist (2023-02-30).
    case impossibleDate(String)
    case minLength(Int), maxLength(Int)
    case minimum(Double), maximum(Double), exclusiveMinimum(Double), exclusiveMaximum(Double), multipleOf(Double)
    case minItems(Int), maxItems(Int), uniqueItems(firstIndex: Int, duplicateIndex: Int)
    /// Fewer array items than `minContains` (1 when absent) match `contains`.
    case minContains(required: Int, found: Int)
    case maxContains(allowed: Int, found: Int)
    case minProperties(Int), maxProperties(Int)
    case anyOf(branches: [[SchemaViolation]])
    case oneOfNone(branches: [[SchemaViolation]]), oneOfMany(matching: [Int])
    case not
    case falseSchema
    case dependentRequired(property: String, missing: [String])
}

extension ViolationKind {
    /// The diagnostic code a register check reports for this kind of violation.
    public var diagnosticCode: DiagnosticCode {
        switch self {
        case .missingRequired, .dependentRequired: return .missingField
        case .additionalProperty: return .unknownField
        case .propertyName: return .badFieldName
        case .type: return .wrongType
        case .enumeration, .constant: return .notAllowedValue
        case .pattern: return .patternMismatch
        case .format: return .wrongFormat
        case .impossibleDate: return .impossibleDate
        case .minLength: return .tooShort
        case .maxLength: return .tooLong
        case .minimum, .maximum, .exclusiveMinimum, .exclusiveMaximum, .multipleOf: return .outOfRange
        case .minItems, .minContains: return .tooFewItems
        case .maxItems, .maxContains: return .tooManyItems
        case .uniqueItems: return .duplicateItems
        case .minProperties: return .tooFewFields
        case .maxProperties: return .tooManyFields
        case .anyOf, .oneOfNone, .oneOfMany: return .noMatchingOption
        case .not, .falseSchema: return .forbiddenValue
        }
    }
}
