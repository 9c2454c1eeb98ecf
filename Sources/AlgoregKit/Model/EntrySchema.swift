/// The entry schema with what Algoreg reads beyond JSON Schema: labels, help, sections,
/// Markdown, translatable and private fields (`x-` annotations).
public struct EntrySchema: Sendable {
    /// Page sections in the Amsterdam/Helsinki order.
    public static let sectionOrder = [
        "overview", "accountability", "data", "processing", "non_discrimination",
        "oversight", "risks", "legal", "objection", "more", "metadata",
    ]

    /// A class, not a struct: pages, exports and checks pass fields around by the thousand,
    /// and a copy of a reference costs one retain where a copy of these members cost eight.
    public final class Field: Sendable {
        public let key: String
        public let label: LocalizedText
        public let help: LocalizedText?
        public let section: String
        public let isMarkdown: Bool
        public let isPrivate: Bool
        public let isTranslatable: Bool
        public let isRequired: Bool
        /// JSON Schema `type` (first one when several), `enum` values and `format`.
        public let type: String?
        public let enumeration: [String]
        public let format: String?
        /// For objects, and for lists of objects: their fields in order.
        public let children: [Field]

        init(key: String, label: LocalizedText, help: LocalizedText?, section: String, isMarkdown: Bool, isPrivate: Bool,
             isTranslatable: Bool, isRequired: Bool, type: String?, enumeration: [String], format: String?, children: [Field]) {
            self.key = key
            self.label = label
            self.help = help
            self.section = section
            self.isMarkdown = isMarkdown
            self.isPrivate = isPrivate
            self.isTranslatable = isTranslatable
            self.isRequired = isRequired
            self.type = type
            self.enumeration = enumeration
            self.format = format
            self.children = children
        }
    }

    public var source: Value
    public var validator: JSONSchema
    public var fields: [Field]
    /// The fields whose value is a web address (`format: uri`), e.g. `datasets.link`, as a tree
    /// of keys: checks walk a value with it, without making the value's path as text.
    public var uriPathTree: URIPaths?
    /// Each top-level field's place in `fields`.
    public var fieldRanks: [String: Int]

    /// Which member keys lead to a web-address field; nil where none is below.
    public struct URIPaths: Sendable {
        public var isURI = false
        public var children: [String: URIPaths] = [:]

        static func tree(_ fields: [Field]) -> URIPaths? {
            var node = URIPaths()
            for field in fields {
                let below = tree(field.children)
                guard field.format == "uri" || below != nil else { continue }
                var child = below ?? URIPaths()
                child.isURI = field.format == "uri"
                node.children[field.key] = child
            }
            return node.children.isEmpty ? nil : node
        }
    }

    public init(source: Value, validator: JSONSchema) {
        self.source = source
        self.validator = validator
        self.fields = Self.fields(of: source, root: source)
        self.uriPathTree = URIPaths.tree(fields)
        self.fieldRanks = Dictionary(fields.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func field(_ key: String) -> Field? { fields.first { $0.key == key } }

    /// Keys (at any depth, as paths) whose values must never be published.
    public var privatePaths: [[String]] {
        func collect(_ fields: [Field], prefix: [String]) -> [[String]] {
            fields.flatMap { field in field.isPrivate ? [prefix + [field.key]] : collect(field.children, prefix: prefix + [field.key]) }
        }
        return collect(fields, prefix: [])
    }

    /// Follows a local `$ref` so annotations on referenced definitions are found.
    static func resolve(_ schema: Value, root: Value) -> Value {
        guard let reference = schema["$ref"]?.string, reference.hasPrefix("#/") else { return schema }
        var current: Value? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            current = current?[key]
        }
        guard var target = current, var targetObject = target.object else { return schema }
        // Annotations next to the $ref win over the definition's.
        for member in schema.object?.members ?? [] where member.key != "$ref" { targetObject.set(member) }
        target.kind = .object(targetObject)
        return target
    }

    static func fields(of schema: Value, root: Value) -> [Field] {
        let schema = resolve(schema, root: root)
        let required = Set(schema["required"]?.array?.compactMap(\.string) ?? [])
        return (schema["properties"]?.object?.members ?? []).map { member in
            let property = resolve(member.value, root: root)
            let type = property["type"]?.string ?? property["type"]?.array?.first?.string
            var children: [Field] = []
            if type == "object" {
                children = fields(of: property, root: root)
            } else if type == "array", let items = property["items"] {
                children = fields(of: items, root: root)
            }
            return Field(
                key: member.key,
                label: LocalizedText(property["x-label"]) ?? LocalizedText(["*": humanize(member.key)]),
                help: LocalizedText(property["x-help"]),
                section: property["x-section"]?.string ?? "more",
                isMarkdown: property["x-markdown"]?.bool ?? false,
                isPrivate: property["x-private"]?.bool ?? false,
                isTranslatable: property["x-translatable"]?.bool ?? false,
                isRequired: required.contains(member.key),
                type: type,
                enumeration: (property["enum"]?.array ?? property["items"]?["enum"]?.array ?? []).compactMap(\.string),
                format: property["format"]?.string,
                children: children)
        }
    }

    /// `bias_assessment` -> `Bias assessment`, for fields without a label.
    static func humanize(_ key: String) -> String {
        let words = key.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
