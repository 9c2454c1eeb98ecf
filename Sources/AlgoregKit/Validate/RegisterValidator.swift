import Foundation

/// The result of checking a register: the typed model when the register can be used, and
/// every problem found in every file.
public struct ValidationResult: Sendable {
    public var register: Register?
    public var diagnostics: [Diagnostic]
    public var checkedFiles: Int
    /// Files the parse cache took as unchanged whose bodies, read later, had changed.
    var sourceChanges: SourceChanges?
}

public struct ValidationOptions: Sendable {
    /// Today's date (YYYY-MM-DD) for the revision check; injected so tests are stable.
    public var today: String
    /// Keep what reading and checking each file gave in `.algoreg-cache/` beside the register,
    /// and reuse it for files whose bytes have not changed (see `ParseCache`).
    public var reusesParsedFiles: Bool

    public init(today: String = ValidationOptions.currentDate(), reusesParsedFiles: Bool = false) {
        self.today = today
        self.reusesParsedFiles = reusesParsedFiles
    }

    /// Today in UTC, from the clock's seconds: a `DateFormatter` took longer to make than a
    /// rebuild after one edit spends on its whole first step.
    public static func currentDate() -> String {
        PublicRegister.date(fromEpoch: String(time(nil)))!
    }
}

/// Load -> schema check -> register-wide checks -> typed model.
public enum RegisterValidator {
    public static func validate(_ registryPath: String, options: ValidationOptions = ValidationOptions()) -> ValidationResult {
        validate(registryPath, options: options, cache: openCache(registryPath, options: options))
    }

    /// `validate`, with the parse cache saved on another thread while the caller goes on (a
    /// build renders meanwhile); the caller waits for `saving` before it exits.
    static func validateSavingInBackground(_ registryPath: String, options: ValidationOptions) -> (ValidationResult, saving: Background<Void>?) {
        let cache = openCache(registryPath, options: options)
        let result = validateLeavingCacheUnsaved(registryPath, options: options, cache: cache)
        return (result, cache.map { cache in Background { cache.save() } })
    }

    private static func openCache(_ registryPath: String, options: ValidationOptions) -> ParseCache? {
        var timer = PhaseTimer()
        defer { timer.lap("  cache opened") }
        return options.reusesParsedFiles ? ParseCache.forRegister(registryPath) : nil
    }

    static func validate(_ registryPath: String, options: ValidationOptions, cache: ParseCache?) -> ValidationResult {
        let result = validateLeavingCacheUnsaved(registryPath, options: options, cache: cache)
        cache?.save()
        return result
    }

    private static func validateLeavingCacheUnsaved(_ registryPath: String, options: ValidationOptions, cache: ParseCache?) -> ValidationResult {
        var timer = PhaseTimer()
        let loaded = RegisterLoader.load(registryPath, cache: cache)
        timer.lap("  load")
        var result = validate(loaded, options: options, cache: cache)
        result.sourceChanges = cache?.sourceChanges
        timer.lap("  checks")
        return result
    }

    public static func validate(_ loaded: LoadedRegister, options: ValidationOptions = ValidationOptions()) -> ValidationResult {
        validate(loaded, options: options, cache: nil)
    }

    static func validate(_ loaded: LoadedRegister, options: ValidationOptions, cache: ParseCache?) -> ValidationResult {
        var diagnostics = loaded.diagnostics
        let checkedFiles = loaded.fileCount

        let settings = checkSettings(loaded.settings, diagnostics: &diagnostics)
        let language = settings?.defaultLanguage ?? "en"
        let schema = compileEntrySchema(loaded.schema, diagnostics: &diagnostics)

        var entries: [Entry] = []
        if let schema {
            let vocabulary = ViolationMessages.Vocabulary(fields: schema.fields, language: language)
            // What an entry's checks read besides the entry: the schema, the language of the messages, today.
            let checkKey = ParseCache.Key(schema.source.jsonText(pretty: false), context: "\(language)\u{1}\(options.today)")
            var timer = PhaseTimer()
            let results = loaded.entries.parallelMap { file -> (Entry, [Diagnostic]) in
                let path = file.document.file.displayPath
                guard let cache, let parseKey = file.document.contentKey else {
                    return checkEntry(file, schema: schema, vocabulary: vocabulary, options: options)
                }
                if let problems = cache.checks(path: path, parseKey: parseKey, checkKey: checkKey) {
                    return (entry(file), problems)
                }
                let (entry, problems) = checkEntry(file, schema: schema, vocabulary: vocabulary, options: options)
                cache.store(checks: problems, path: path, parseKey: parseKey, checkKey: checkKey)
                return (entry, problems)
            }
            for (entry, problems) in results {
                diagnostics += problems
                entries.append(entry)
            }
            timer.lap("    entries checked")
            // Both read every entry, one at a time: the register-wide checks run beside the translations'.
            let registerWide = Background { [entries = loaded.entries] in ContentChecks.registerWide(entries: entries, settings: settings) }
            let reuse = cache.map { TranslationReuse(cache: $0, checkKey: checkKey, entries: loaded.entries) }
            let translationProblems = checkTranslations(loaded.translations, of: &entries, unreadable: loaded.unreadableEntryIDs, schema: schema,
                                                        settings: settings, options: options, reuse: reuse)
            diagnostics += registerWide.value + translationProblems
            timer.lap("    register-wide and translations")
        }
        entries.sort { $0.id < $1.id }
        let plan = ReportInputChecks.checkPlan(loaded.plan, settings: settings, diagnostics: &diagnostics)
        let narratives = ReportInputChecks.checkNarratives(loaded.reports, languages: settings?.languages ?? [], diagnostics: &diagnostics)
        let result = ValidationResult(register: nil, diagnostics: Diagnostic.sortedForReading(diagnostics), checkedFiles: checkedFiles)
        guard let settings, let schema, !diagnostics.hasErrors else { return result }

        var aboutPages: [String: Entry.Translation] = [:]
        for page in loaded.pages {
            aboutPages[page.language ?? settings.defaultLanguage] = Entry.Translation(
                file: page.document.file.displayPath, fields: page.document.lazyFields, body: page.document.lazyBody)
        }
        let register = Register(settings: settings, schema: schema, entries: entries, aboutPages: aboutPages, root: loaded.displayRoot,
                                plan: plan, reports: narratives)
        return ValidationResult(register: register, diagnostics: result.diagnostics, checkedFiles: checkedFiles)
    }

    static let settingsSchema: JSONSchema = {
        let (value, _) = YAMLLoader.load(Settings.schemaText)
        return JSONSchema.compile(value!).schema!
    }()

    static func checkSettings(_ document: Document?, diagnostics: inout [Diagnostic]) -> Settings? {
        guard let document else { return nil }
        let root = Value(.object(document.fields), at: document.fieldsLocation)
        let violations = settingsSchema.validate(root)
        let messages = ViolationMessages(file: document.file.displayPath)
        let problems = messages.diagnostics(for: violations, in: root)
        diagnostics += problems
        guard problems.isEmpty else { return nil }
        let settings = Settings(document.fields)
        if let languages = document.fields["languages"], let organization = document.fields["organization"]?.object {
            for language in settings.languages where organization["language"] == nil && organization[language] == nil {
                diagnostics.append(Diagnostic(file: document.file.displayPath, location: languages.location, severity: .warning, code: .missingTranslation,
                    message: "The organisation's name has no text for the language `\(language)`.",
                    fix: "Add `\(language): ...` under `organization`."))
            }
        }
        return settings
    }

    static func compileEntrySchema(_ document: Document?, diagnostics: inout [Diagnostic]) -> EntrySchema? {
        guard let document else { return nil }
        let root = Value(.object(document.fields), at: document.fieldsLocation)
        let (compiled, problems) = JSONSchema.compile(root)
        diagnostics += problems.map {
            Diagnostic(file: document.file.displayPath, location: $0.location, code: $0.code, message: $0.message, fix: $0.fix)
        }
        guard let compiled, problems.isEmpty else { return nil }
        return EntrySchema(source: root, validator: compiled)
    }

    static func checkEntry(_ file: EntryFile, schema: EntrySchema, vocabulary: ViolationMessages.Vocabulary, options: ValidationOptions) -> (Entry, [Diagnostic]) {
        let document = file.document
        let fields = document.fields
        let root = Value(.object(fields), at: document.fieldsLocation)
        let isDraft = fields["draft"]?.bool ?? false
        let messages = ViolationMessages(file: document.file.displayPath, vocabulary: vocabulary)
        var problems = messages.diagnostics(for: schema.validator.validate(root), in: root, draft: isDraft)
        problems += ContentChecks.perEntry(document, schema: schema, today: options.today)
        // A value still holding `algoreg new`'s placeholder gets that one diagnostic, not also
        // its schema consequences (too short, not an e-mail address...).
        let placeholders = Set(problems.filter { $0.code == .placeholderLeft }.compactMap(\.location))
        if !placeholders.isEmpty {
            problems.removeAll { $0.code != .placeholderLeft && $0.location.map(placeholders.contains) == true }
        }
        return (entry(file), problems)
    }

    static func entry(_ file: EntryFile) -> Entry {
        Entry(id: file.id, file: file.document.file.displayPath, fields: file.document.lazyFields, body: file.document.lazyBody, translations: [:],
              sourceKey: file.document.contentKey)
    }

    /// The parse cache for translations: their checks also read the entry they translate, so
    /// the key covers the entry's bytes too.
    struct TranslationReuse: @unchecked Sendable {
        let cache: ParseCache
        let checkKey: ParseCache.Key
        let entryKeys: [String: ParseCache.Key]

        init(cache: ParseCache, checkKey: ParseCache.Key, entries: [EntryFile]) {
            self.cache = cache
            self.checkKey = checkKey
            entryKeys = Dictionary(entries.indices.compactMap { position in entries[position].document.contentKey.map { (entries[position].id, $0) } },
                                   uniquingKeysWith: { first, _ in first })
        }

        func key(entry: Entry, languages: [String]) -> ParseCache.Key? {
            guard let entryKey = entryKeys[entry.id] else { return nil }
            return ParseCache.Key("\(checkKey.hash):\(checkKey.length):\(entryKey.hash):\(entryKey.length):\(entry.file)", context: languages.joined(separator: ","))
        }
    }

    static func checkTranslations(_ translations: [EntryFile], of entries: inout [Entry], unreadable: Set<String>, schema: EntrySchema, settings: Settings?,
                                  options: ValidationOptions, reuse: TranslationReuse? = nil) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        // By position, here and below: each entry copied was a dozen reference counts.
        let positions = Dictionary(entries.indices.map { (entries[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
        let translatable = Set(schema.fields.filter(\.isTranslatable).map(\.key))
        let languages = settings?.languages ?? []
        let vocabularies = Dictionary(languages.map { ($0, ViolationMessages.Vocabulary(fields: schema.fields, language: $0)) }, uniquingKeysWith: { first, _ in first })
        // Each translation is checked on its own (on all cores); the results are then attached
        // to their entries in file order.
        let snapshot = entries
        let checked = translations.parallelMap { translation -> (problems: [Diagnostic], accepted: (position: Int, language: String, translation: Entry.Translation)?) in
            let document = translation.document
            let file = document.file.displayPath
            guard let language = translation.language else { return ([], nil) }
            guard let position = positions[translation.id] else {
                // The entry exists but has its own diagnostics; saying it is missing would be wrong.
                if unreadable.contains(translation.id) { return ([], nil) }
                return ([Diagnostic(file: file, location: nil, code: .orphanTranslation,
                    message: "This translates an entry `\(translation.id)` that does not exist.",
                    fix: Suggest.closest(to: translation.id, in: Array(positions.keys)).map { "Did you mean `\($0).\(language).md`?" } ?? "Rename it after its entry (`<id>.\(language).md`) or delete it.")], nil)
            }
            if settings != nil && !languages.contains(language) {
                return ([Diagnostic(file: file, location: nil, code: .unknownLanguage,
                    message: "The language `\(language)` is not one of the register's languages (\(languages.joined(separator: ", "))).",
                    fix: "Add `\(language)` to `languages` in register.yaml, or rename the file.")], nil)
            }
            let accepted = (position, language, Entry.Translation(file: file, fields: document.lazyFields, body: document.lazyBody, sourceKey: document.contentKey))
            let reused = reuse.flatMap { reuse in document.contentKey.flatMap { parseKey in reuse.key(entry: snapshot[position], languages: languages).map { (reuse.cache, parseKey, $0) } } }
            if let (cache, parseKey, checkKey) = reused, let problems = cache.checks(path: file, parseKey: parseKey, checkKey: checkKey) {
                return (problems, accepted)
            }
            var problems: [Diagnostic] = []
            var merged = snapshot[position].fields
            for member in document.fields.members {
                guard translatable.contains(member.key) else {
                    let isField = schema.field(member.key) != nil
                    problems.append(Diagnostic(file: file, location: member.keyLocation, code: isField ? .untranslatableField : .unknownField,
                        message: isField
                            ? "`\(member.key)` cannot be translated: it is shared by every language."
                            : "`\(member.key)` is not a field of an entry.",
                        fix: isField
                            ? "Remove it here; change it in `\(snapshot[position].file)`. Translatable: \(translatable.sorted().map { "`\($0)`" }.joined(separator: ", "))."
                            : Suggest.closest(to: member.key, in: Array(translatable)).map { "Did you mean `\($0)`?" } ?? "Remove it."))
                    continue
                }
                merged.set(member)
            }
            // Check the translated values with the entry's schema, reporting only what this file changed.
            let root = Value(.object(merged), at: document.fieldsLocation)
            let changed = Set(document.fields.keys)
            let violations = schema.validator.validate(root).filter { violation in
                if case .key(let key)? = violation.instancePath.first { return changed.contains(key) }
                return false
            }
            let messages = ViolationMessages(file: file, vocabulary: vocabularies[language] ?? ViolationMessages.Vocabulary(fields: schema.fields, language: language))
            problems += messages.diagnostics(for: violations, in: root)
            problems += ContentChecks.perEntry(document, schema: schema, today: options.today, onlyText: true)
            if let (cache, parseKey, checkKey) = reused { cache.store(checks: problems, path: file, parseKey: parseKey, checkKey: checkKey) }
            return (problems, accepted)
        }
        for result in checked {
            problems += result.problems
            if let accepted = result.accepted {
                entries[accepted.position].translations[accepted.language] = accepted.translation
            }
        }
        // A configured language without a translation falls back to the default language.
        for position in entries.indices where !entries[position].isDraft {
            for language in languages.dropFirst() where entries[position].translations[language] == nil {
                problems.append(Diagnostic(file: entries[position].file, location: nil, severity: .warning, code: .missingTranslation,
                    message: "This entry has no `\(language)` translation; its page in that language will show the default language.",
                    fix: "Add `\(entries[position].id).\(language).md` next to it with the translated fields and description."))
            }
        }
        return problems
    }
}
