/// Text given per language, e.g. `{en: Mobility, nl: Mobiliteit}`, or one plain string for all.
public struct LocalizedText: Sendable, Equatable {
    /// `$defs` for the plan's and the report narratives' own schemas: a text is one string, or
    /// a string per language code (`#/$defs/text`).
    static let schemaDefinitions = """
        $defs:
          text:
            anyOf:
              - {type: string, minLength: 2}
              - {type: object, minProperties: 1, additionalProperties: {type: string, minLength: 2}}
        """

    public var byLanguage: [String: String]

    public init(_ byLanguage: [String: String]) { self.byLanguage = byLanguage }

    /// Reads `{lang: text}` or a plain string (used for every language).
    public init?(_ value: Value?) {
        guard let value else { return nil }
        if let string = value.string { self.byLanguage = ["*": string]; return }
        guard let object = value.object else { return nil }
        var texts: [String: String] = [:]
        for member in object.members { if let string = member.value.string { texts[member.key] = string } }
        self.byLanguage = texts
    }

    /// The text in `language`, else in `fallback`, else any text (in a stable order).
    public func text(_ language: String, fallback: String) -> String {
        byLanguage[language] ?? byLanguage["*"] ?? byLanguage[fallback] ?? byLanguage.keys.sorted().first.flatMap { byLanguage[$0] } ?? ""
    }

    public func has(_ language: String) -> Bool { byLanguage[language] != nil || byLanguage["*"] != nil }
}
