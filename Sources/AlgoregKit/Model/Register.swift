/// Text that may be overridden per language by a translation file.
public protocol Translatable {
    var fields: Object { get }
    /// The same fields, read one at a time without copying them all (`LazyFields`).
    var lazyFields: LazyFields { get }
    var body: String { get }
    var translations: [String: Entry.Translation] { get }
}

extension Translatable {
    /// A field's value in `language`: the translation's when it has one, else the entry's.
    public func value(_ key: String, language: String) -> Value? {
        translations[language]?.lazyFields[key] ?? lazyFields[key]
    }

    /// The long description in `language`, else the default language's.
    public func body(language: String) -> String {
        translatedBody(language: language) ?? body
    }

    /// The translation's long description in `language`, when it has one that is not blank.
    public func translatedBody(language: String) -> String? {
        guard let translated = translations[language]?.body, !translated.allSatisfy(\.isWhitespace) else { return nil }
        return translated
    }
}

/// One system of the register, validated, with its translations.
public struct Entry: Sendable, Translatable {
    public var id: String
    /// Display path of the entry's file.
    public var file: String
    public internal(set) var lazyFields: LazyFields
    /// The long description (Markdown).
    var lazyBody: Deferred<String>
    /// Per language: the fields and body a translation file overrides.
    public var translations: [String: Translation]
    /// The parse cache's key of the file's bytes, when the cache was in use.
    var sourceKey: ParseCache.Key?

    public var fields: Object { lazyFields.object }
    public var body: String { lazyBody.value }

    init(id: String, file: String, fields: LazyFields, body: Deferred<String>, translations: [String: Translation], sourceKey: ParseCache.Key?) {
        self.id = id
        self.file = file
        lazyFields = fields
        lazyBody = body
        self.translations = translations
        self.sourceKey = sourceKey
    }

    public struct Translation: Sendable {
        public var file: String
        public internal(set) var lazyFields: LazyFields
        var lazyBody: Deferred<String>
        var sourceKey: ParseCache.Key?

        public var fields: Object { lazyFields.object }
        public var body: String { lazyBody.value }

        init(file: String, fields: LazyFields, body: Deferred<String>, sourceKey: ParseCache.Key? = nil) {
            self.file = file
            lazyFields = fields
            lazyBody = body
            self.sourceKey = sourceKey
        }
    }

    public func string(_ key: String) -> String? { lazyFields[key]?.string }

    public var name: String { string("name") ?? id }
    public var status: String? { string("status") }
    public var department: String? { string("department") }
    public var riskCategory: String? { string("risk_category") }
    public var domain: String? { string("domain") }
    public var algorithmType: String? { string("algorithm_type") }
    public var isDraft: Bool { lazyFields["draft"]?.bool ?? false }
    public var publicationDate: String? { string("publication_date") }
    public var lastChangeDate: String? { string("last_change_date") }
    public var revisionDate: String? { string("revision_date") }
    public var retirementDate: String? { string("retirement_date") }
    public var firstUsed: String? { string("first_used") }

}

/// The validated register: what every later stage (render, site, report) reads.
public struct Register: Sendable {
    public var settings: Settings
    public var schema: EntrySchema
    /// Sorted by id, so every output is in a stable order.
    public var entries: [Entry]
    /// The about page per language (nil key = the default file `about.md`).
    public var aboutPages: [String: Entry.Translation]
    public var root: String
    /// The action plan (`plan.yaml`), when the register has one.
    public var plan: ActionPlan? = nil
    /// Narratives of the annual reports, by year.
    public var reports: [ReportNarrative] = []
}
