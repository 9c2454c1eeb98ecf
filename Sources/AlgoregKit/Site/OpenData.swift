/// The register as open data: JSON, CSV, the schema, an Atom feed and a sitemap. All of it is
/// made from `PublicRegister`, which has no private fields.
enum OpenData {
    static let registerJSON = "data/register.json"
    static let registerCSV = "data/register.csv"
    static let schemaJSON = "data/schema.json"
    static let feed = "feed.xml"
    static let sitemap = "sitemap.xml"
    /// Holds every system's JSON, and nothing else.
    static let systemsFolder = "data/systems"
    static let systemJSONSuffix = ".json"
    static func systemJSON(_ id: String) -> String { "\(systemsFolder)/\(id)\(systemJSONSuffix)" }

    /// The text of `systems/<id>.json`.
    static func systemJSONText(_ system: PublicRegister.System, register: PublicRegister, layout: SiteLayout) -> String {
        systemValue(system, register: register, layout: layout).jsonText(pretty: true) + "\n"
    }

    /// One system as JSON: stable id and URL, fields in schema order, translations, dates.
    static func systemValue(_ system: PublicRegister.System, register: PublicRegister, layout: SiteLayout) -> Value {
        var translations = Object()
        for language in system.translations.keys.sorted() {
            guard let translation = system.translations[language] else { continue }
            var fields = ordered(translation.fields, schema: register.schema)
            fields.set(Member(key: "description", value: Value(.string(translation.body))))
            translations.set(Member(key: language, value: Value(.object(fields))))
        }
        let history = system.history.map { change in
            Value(.object(Object([Member(key: "date", value: Value(.string(change.date))), Member(key: "message", value: Value(.string(change.message)))])))
        }
        return Value(.object(Object([
            Member(key: "id", value: Value(.string(system.id))),
            Member(key: "url", value: Value(.string(layout.absolute(SiteLayout.system(system.id))))),
            Member(key: "language", value: Value(.string(layout.defaultLanguage))),
            Member(key: "fields", value: Value(.object(ordered(system.fields, schema: register.schema)))),
            Member(key: "description", value: Value(.string(system.body))),
            Member(key: "translations", value: Value(.object(translations))),
            Member(key: "first_published", value: system.firstPublished.map { Value(.string($0)) } ?? .null),
            Member(key: "last_updated", value: system.lastUpdated.map { Value(.string($0)) } ?? .null),
            Member(key: "history", value: Value(.array(history))),
        ])))
    }

    /// Fields in the schema's order, so every file lists them the same way.
    static func ordered(_ fields: Object, schema: EntrySchema) -> Object {
        // Entries mostly list their fields in the schema's order already (`algoreg new` writes
        // them so): then the object itself is the answer, without making a new one.
        var previous = -1
        let inOrder = fields.members.allSatisfy { member in
            guard let rank = schema.fieldRanks[member.key], rank > previous else { return false }
            previous = rank
            return true
        }
        if inOrder { return fields }
        var result = Object()
        for field in schema.fields { if let member = fields.member(field.key) { result.set(member) } }
        for member in fields.members where result.member(member.key) == nil { result.set(member) }
        return result
    }

    /// The register's header, with `systems` empty and last (`registerJSON` fills it in).
    static func registerValue(count: Int, register: PublicRegister, layout: SiteLayout) -> Value {
        let organization = Object(register.settings.languages.map {
            Member(key: $0, value: Value(.string(register.settings.organization.text($0, fallback: layout.defaultLanguage))))
        })
        return Value(.object(Object([
            Member(key: "format", value: Value(.string("algoreg-register"))),
            Member(key: "version", value: Value(.integer(1))),
            Member(key: "organization", value: Value(.object(organization))),
            Member(key: "url", value: Value(.string(layout.baseURL + "/"))),
            Member(key: "languages", value: Value(.array(register.settings.languages.map { Value(.string($0)) }))),
            Member(key: "updated", value: Value(.string(register.contentDate))),
            Member(key: "schema", value: Value(.string(layout.absolute(schemaJSON)))),
            Member(key: "count", value: Value(.integer(count))),
            Member(key: "systems", value: Value(.array([]))),
        ])))
    }

    /// `register.json` from each system's own JSON text (as in `systems/<id>.json`), indented
    /// into place: the same bytes as writing the whole value, without serialising it twice.
    /// `parts`: each system's part key, by position (`ByteSink.part`). `systemJSON`: the text of
    /// the system at a position.
    static func registerJSON<Failure: Error>(_ register: PublicRegister, layout: SiteLayout, parts: [PartKey?], into sink: inout ByteSink,
                                             systemJSON: (Int) throws(Failure) -> [UInt8]) throws(Failure) {
        var splice = PrettyJSONSplice(registerValue(count: register.systems.count, register: register, layout: layout), into: &sink)
        for position in register.systems.indices {
            try splice.appendPart(parts[position], into: &sink) { () throws(Failure) in try systemJSON(position) }
        }
        splice.finish(into: &sink)
    }

    /// The entry schema without private fields, as JSON.
    static func schemaValue(_ schema: EntrySchema) -> Value {
        let privateKeys = Set(schema.fields.filter(\.isPrivate).map(\.key))
        guard var root = schema.source.object else { return schema.source }
        if var properties = root["properties"]?.object {
            for key in privateKeys { properties.remove(key) }
            root.set(Member(key: "properties", value: Value(.object(properties))))
        }
        return Value(.object(root))
    }

    /// One row per system; lists of text joined with "; ", lists of groups as JSON text.
    static func csv(_ register: PublicRegister, layout: SiteLayout, parts: [PartKey?], into sink: inout ByteSink) {
        let fields = register.schema.fields.filter { !$0.isPrivate }
        let keys = fields.map { HashedKey($0.key) }
        CSVReader.appendRow(["id", "url"] + fields.map(\.key) + ["description", "first_published", "last_updated"], to: &sink.bytes)
        for (position, system) in register.systems.enumerated() {
            sink.part(parts[position]) { sink in
                var row = [system.id, layout.absolute(SiteLayout.system(system.id))]
                let fields = system.fields
                for key in keys {
                    row.append(fields[key].map(flatten) ?? "")
                }
                CSVReader.appendRow(row + [system.body, system.firstPublished ?? "", system.lastUpdated ?? ""], to: &sink.bytes)
            }
            sink.drainIfFull()
        }
    }

    static func flatten(_ value: Value) -> String {
        switch value.kind {
        case .null: return ""
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .integer, .number: return value.jsonText(pretty: false)
        case .array(let items) where items.allSatisfy({ $0.string != nil }): return items.compactMap(\.string).joined(separator: "; ")
        default: return value.jsonText(pretty: false)
        }
    }

    /// Atom feed of systems, newest change first. `parts`: each system's part key, by
    /// position (`ByteSink.part`): an entry is made from the system's files and history alone.
    static func atom(_ register: PublicRegister, layout: SiteLayout, title: String, parts: [PartKey?], into sink: inout ByteSink) {
        // Newest first, then by id (descending): by one text per system made once (the date, a
        // byte below every character, the id), in `TextOrder`, and read backwards.
        let order = TextOrder.sorted(Array(register.systems.indices)) { "\(register.systems[$0].lastUpdated ?? "")\u{1}\(register.systems[$0].id)" }.reversed()
        let base = HTML.escape(layout.baseURL)
        sink.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"")
        sink.appendEscaped(layout.defaultLanguage)
        sink.append("\">\n  <title>")
        sink.appendEscaped(title)
        sink.append("</title>\n  <id>\(base)/</id>\n  <link rel=\"alternate\" href=\"\(base)/\"/>\n  <link rel=\"self\" href=\"")
        sink.appendEscaped(layout.absolute(feed))
        sink.append("\"/>\n  <updated>\(register.contentDate)T00:00:00Z</updated>\n  <author><name>")
        sink.appendEscaped(register.settings.organization.text(layout.defaultLanguage, fallback: layout.defaultLanguage))
        sink.append("</name></author>\n")
        for position in order {
            let system = register.systems[position]
            sink.part(parts[position]) { sink in
                let url = HTML.escape(layout.absolute(SiteLayout.system(system.id)))
                let updated = system.lastUpdated ?? register.contentDate
                sink.append("  <entry>\n    <title>")
                sink.appendEscaped(system.string("name") ?? system.id)
                sink.append("</title>\n    <id>")
                sink.append(url)
                sink.append("</id>\n    <link rel=\"alternate\" href=\"")
                sink.append(url)
                sink.append("\"/>\n    <published>")
                sink.append(system.firstPublished ?? updated)
                sink.append("T00:00:00Z</published>\n    <updated>")
                sink.append(updated)
                sink.append("T00:00:00Z</updated>\n    <summary>")
                sink.appendEscaped(system.string("description_short") ?? "")
                if let latest = system.history.first?.message {
                    sink.append(" — ")
                    sink.appendEscaped(latest)
                }
                sink.append("</summary>\n  </entry>\n")
            }
            sink.drainIfFull()
        }
        sink.append("</feed>\n")
    }

    static func sitemap(_ paths: [(path: String, lastModified: String?)], layout: SiteLayout, into sink: inout ByteSink) {
        sink.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")
        for (path, lastModified) in TextOrder.sorted(paths, by: \.path) {
            sink.append("  <url><loc>")
            // `layout.absolute(path)` escaped, without making the text.
            sink.appendEscaped(layout.baseURL)
            sink.append("/")
            sink.appendEscaped(path)
            sink.append("</loc>")
            if let lastModified {
                sink.append("<lastmod>")
                sink.append(lastModified)
                sink.append("</lastmod>")
            }
            sink.append("</url>\n")
            sink.drainIfFull()
        }
        sink.append("</urlset>\n")
    }
}
