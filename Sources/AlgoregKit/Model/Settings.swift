/// The register's settings from `register.yaml`, after they passed `Settings.schemaText`.
public struct Settings: Sendable {
    public struct Department: Sendable {
        public var id: String
        public var name: LocalizedText
        public var email: String?
    }

    public var organization: LocalizedText
    public var baseURL: String
    /// Configured languages, the default first.
    public var languages: [String]
    public var contactEmail: String?
    public var feedbackURL: String?
    public var departments: [Department]
    public var maxFileBytes: Int

    public var defaultLanguage: String { languages.first ?? "en" }

    /// Every setting as text in a stable order (dictionaries sorted), for cache keys.
    var fingerprint: String {
        func text(_ localized: LocalizedText) -> String {
            localized.byLanguage.keys.sorted().map { "\($0)=\(localized.byLanguage[$0]!)" }.joined(separator: ";")
        }
        let departmentsText = departments.map { "\($0.id):\(text($0.name)):\($0.email ?? "")" }.joined(separator: "|")
        return [text(organization), baseURL, languages.joined(separator: ","), contactEmail ?? "", feedbackURL ?? "",
                departmentsText, String(maxFileBytes)].joined(separator: "\u{1}")
    }

    public func department(_ id: String) -> Department? { departments.first { $0.id == id } }

    /// Built from a settings object that already passed the settings schema.
    init(_ fields: Object) {
        organization = LocalizedText(fields["organization"]) ?? LocalizedText([:])
        baseURL = (fields["base_url"]?.string ?? "").trimmingCharacters(in: ["/"])
        languages = fields["languages"]?.array?.compactMap(\.string) ?? ["en"]
        contactEmail = fields["contact"]?["email"]?.string
        feedbackURL = fields["contact"]?["feedback_url"]?.string
        departments = fields["departments"]?.object?.members.map { member in
            Department(id: member.key, name: LocalizedText(member.value["name"]) ?? LocalizedText(["*": member.key]), email: member.value["email"]?.string)
        } ?? []
        let limit = fields["max_file_size"]
        maxFileBytes = limit.flatMap(ByteSize.parse) ?? RegisterLayout.defaultMaxFileBytes
    }

    /// The settings file's own schema: settings get the same diagnostics as entries.
    static let schemaText = #"""
    $schema: https://json-schema.org/draft/2020-12/schema
    type: object
    additionalProperties: false
    required: [organization, base_url, languages, departments]
    properties:
      organization:
        x-label: {en: Organisation name}
        anyOf:
          - {type: string, minLength: 1}
          - {type: object, minProperties: 1, additionalProperties: {type: string, minLength: 1}}
      base_url: {type: string, format: uri, pattern: "^https?://", x-label: {en: Base URL}}
      languages:
        type: array
        minItems: 1
        uniqueItems: true
        items: {type: string, pattern: "^[a-z]{2,3}(-[A-Za-z0-9]+)?$"}
        x-label: {en: Languages}
      contact:
        type: object
        additionalProperties: false
        properties:
          email: {type: string, format: email}
          feedback_url: {type: string, format: uri, pattern: "^(https?|mailto):"}
      departments:
        type: object
        minProperties: 1
        propertyNames: {pattern: "^[a-z0-9][a-z0-9-]*$"}
        additionalProperties:
          type: object
          additionalProperties: false
          required: [name]
          properties:
            name:
              anyOf:
                - {type: string, minLength: 1}
                - {type: object, minProperties: 1, additionalProperties: {type: string, minLength: 1}}
            email: {type: string, format: email}
      max_file_size:
        anyOf:
          - {type: integer, minimum: 1}
          - {type: string, pattern: "^[0-9.]+ ?([KMG]?B)?$"}
    """#
}
