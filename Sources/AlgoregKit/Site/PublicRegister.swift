/// The register as the public may see it: private fields removed once, here, so no later
/// stage (pages, JSON, CSV, feeds) can leak them.
public struct PublicRegister: Sendable {
    /// A class, not a struct: every list, page and file reads the systems, and a copy of a
    /// struct of eight references was eight atomic retains (a tenth of a rebuild's samples).
    public final class System: Sendable, Translatable {
        public let id: String
        public let lazyFields: LazyFields
        let lazyBody: Deferred<String>
        /// Translated fields and body per language (private fields removed too).
        public let translations: [String: Entry.Translation]
        public let firstPublished: String?
        public let lastUpdated: String?
        public let history: [History.Change]
        /// What the system's public data is made from (its files' bytes and its history), when
        /// the parse cache knew every file's key: equal keys in the same build fingerprint mean
        /// the same pages and JSON, which a rebuild then need not make to find out.
        let sourceKey: String?

        init(id: String, fields: LazyFields, body: Deferred<String>, translations: [String: Entry.Translation], firstPublished: String?,
             lastUpdated: String?, history: [History.Change], sourceKey: String?) {
            self.id = id
            lazyFields = fields
            lazyBody = body
            self.translations = translations
            self.firstPublished = firstPublished
            self.lastUpdated = lastUpdated
            self.history = history
            self.sourceKey = sourceKey
        }

        public var fields: Object { lazyFields.object }
        public var body: String { lazyBody.value }

        public func string(_ key: String) -> String? { lazyFields[key]?.string }
    }

    public var settings: Settings
    public var schema: EntrySchema
    /// Public systems sorted by id; drafts are left out unless asked for.
    public var systems: [System]
    public var aboutPages: [String: Entry.Translation]
    /// Date the content was last changed: SOURCE_DATE_EPOCH, else git, else front matter.
    public var contentDate: String
    /// The action plan and the annual report narratives (they have no private fields).
    public var plan: ActionPlan?
    public var reports: [ReportNarrative]

    public init(_ register: Register, history: History, includeDrafts: Bool = false, sourceDateEpoch: String? = nil) {
        settings = register.settings
        schema = register.schema
        aboutPages = register.aboutPages
        plan = register.plan
        reports = register.reports
        let privacy = PrivateFields(register.schema.fields)
        let registerRoot = Array((register.root + "/").utf8)
        @Sendable func relative(_ file: String) -> String { file.removingPrefix(registerRoot) ?? file }
        // Each entry on its own: projected on all cores. Drafts are left out there, not by a
        // filter first, which copied every entry (a dozen references each) into a new array.
        systems = register.entries.parallelMap { entry -> System? in
            guard includeDrafts || !entry.isDraft else { return nil }
            var changes = history.changes(for: relative(entry.file))
            for translation in entry.translations.values {
                changes += history.changes(for: relative(translation.file))
            }
            changes.sort { ($0.date, $0.message) > ($1.date, $1.message) }
            // Removed when the fields are decoded: a rebuild decodes few (`LazyFields`).
            let translations = entry.translations.mapValues {
                Entry.Translation(file: $0.file, fields: privacy.removed(from: $0.lazyFields), body: $0.lazyBody, sourceKey: $0.sourceKey)
            }
            return System(
                id: entry.id,
                fields: privacy.removed(from: entry.lazyFields),
                body: entry.lazyBody,
                translations: translations,
                firstPublished: changes.last?.date ?? entry.publicationDate,
                lastUpdated: changes.first?.date ?? entry.lastChangeDate ?? entry.publicationDate,
                history: changes,
                sourceKey: Self.sourceKey(entry, history: changes))
        }.compactMap { $0 }
        contentDate = sourceDateEpoch.flatMap(Self.date(fromEpoch:))
            ?? history.latest
            ?? systems.compactMap(\.lastUpdated).max()
            ?? "1970-01-01"
    }

    static func sourceKey(_ entry: Entry, history: [History.Change]) -> String? {
        guard let key = entry.sourceKey else { return nil }
        // Written as bytes into one buffer: appending each piece and number to a text cost
        // 3,000 instructions an entry.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        func add(_ text: String) { bytes.append(utf8: text) }
        func add(_ key: ParseCache.Key) {
            XXH64.appendHex(key.hash, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            XXH64.appendHex(key.length, to: &bytes)
        }
        add(entry.id)
        bytes.append(1)
        add(key)
        for language in entry.translations.keys.sorted() {
            guard let translation = entry.translations[language]?.sourceKey else { return nil }
            bytes.append(1)
            add(language)
            bytes.append(UInt8(ascii: "="))
            add(translation)
        }
        for change in history {
            bytes.append(2)
            add(change.date)
            bytes.append(1)
            add(change.message)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The fields marked `x-private` at one level of the schema, and the fields whose values
    /// hold private fields deeper down. Objects with neither are shared as they are, not copied.
    struct PrivateFields: Sendable {
        /// Few per level; each hashed once.
        var dropped: [HashedKey] = []
        var nested: [(key: HashedKey, fields: PrivateFields)] = []

        init(_ fields: [EntrySchema.Field]) {
            for field in fields {
                if field.isPrivate {
                    dropped.append(HashedKey(field.key))
                } else if !field.children.isEmpty {
                    let inner = PrivateFields(field.children)
                    if !inner.isEmpty { nested.append((HashedKey(field.key), inner)) }
                }
            }
        }

        var isEmpty: Bool { dropped.isEmpty && nested.isEmpty }

        func removed(from fields: LazyFields) -> LazyFields {
            isEmpty ? fields : fields.mapped { removed(from: $0) }
        }

        /// Removes every field marked `x-private`, at any depth, including inside lists. Found
        /// by key, a few look-ups, rather than by a scan of every member: each member copied
        /// is reference counts, and every entry has dozens.
        func removed(from object: Object) -> Object {
            var result = object
            for key in dropped { result.remove(key) }
            for (key, inner) in nested {
                guard var member = result.member(key) else { continue }
                member.value = inner.removed(from: member.value)
                result.set(member)
            }
            return result
        }

        func removed(from value: Value) -> Value {
            switch value.kind {
            case .object(let object): return Value(.object(removed(from: object)), at: value.location)
            case .array(let items): return Value(.array(items.map { removed(from: $0) }), at: value.location)
            default: return value
            }
        }
    }

    static func date(fromEpoch text: String) -> String? {
        guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)) else { return nil }
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), no clock or locale.
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
