/// Builds what each Mustache page receives (documented in Templates/README.md).
struct PageContexts: Sendable {
    /// One page's values, and its relative path to the site root (written before `.relative` values).
    struct Page {
        var root: String
        var values: TemplateObject
        var context: TemplateValue { .object(values) }
    }

    var register: PublicRegister
    var templates: TemplateSet
    var layout: SiteLayout
    /// The UI strings of each language, merged once (language -> key -> text).
    let uiStrings: [String: [String: String]]
    let uiStringValues: [String: TemplateValue]
    let sectionFields: [(section: String, fields: [EntrySchema.Field])]
    /// Each section's fields' keys, hashed once for the lookups every system page makes.
    let sectionFieldKeys: [[HashedKey]]
    /// Each language's section titles and field labels (language -> section -> texts), made
    /// once: every system page shows them all.
    let sectionTexts: [String: [SectionTexts]]

    struct SectionTexts: Sendable {
        var title: TemplateValue
        var labels: [TemplateValue]
    }
    /// Each system's card (language -> cards in `register.systems` order), with links that take
    /// the page's root when rendered, and `cardHtml` rendered through `partials/card`. The list
    /// pages set one language's at a time.
    var cards: [String: [TemplateValue]] = [:]
    /// Positions in `register.systems`: by name (the home page's order), by department, and by
    /// the value of each facet's field, so list pages never scan the whole register.
    var byName: [Int] = []
    var byDepartment: [String: [Int]] = [:]
    var byFieldValue: [String: [String: [Int]]] = [:]
    /// The home and filter pages' facets per language (`filters`), made once.
    var facets: [String: TemplateValue] = [:]
    /// The home page's figures, counted once (every language's home page is made twice).
    var counts: RegisterCounts?

    struct RegisterCounts {
        var inUse = 0
        var highRisk = 0
        var departments = 0

        init(_ systems: [PublicRegister.System]) {
            let status = HashedKey("status"), risk = HashedKey("risk_category"), department = HashedKey("department")
            var departments = Set<String>()
            for system in systems {
                if PageContexts.inUse.contains(system.lazyFields[status]?.string ?? "") { inUse += 1 }
                if system.lazyFields[risk]?.string == "high risk" { highRisk += 1 }
                if let name = system.lazyFields[department]?.string { departments.insert(name) }
            }
            self.departments = departments.count
        }
    }
    static let rootToken = "@@algoreg-root@@"
    static let rootTokenBytes = Array(rootToken.utf8)

    /// The text before, between and after each `token` in `bytes`. On bytes: the standard
    /// library's `split` with a text separator compares characters, and took 6% of a build.
    static func parts(of bytes: [UInt8], between token: [UInt8]) -> [String] {
        var parts: [String] = []
        var partStart = 0
        var cursor = 0
        while cursor + token.count <= bytes.count {
            if bytes[cursor] == token[0] && bytes[cursor..<(cursor + token.count)].elementsEqual(token) {
                parts.append(String(decoding: bytes[partStart..<cursor], as: UTF8.self))
                cursor += token.count
                partStart = cursor
            } else {
                cursor += 1
            }
        }
        parts.append(String(decoding: bytes[partStart...], as: UTF8.self))
        return parts
    }
    /// Facets the home page filters on: URL key and schema field.
    static let facets: [(key: String, field: String)] = [
        ("status", "status"), ("risk", "risk_category"), ("domain", "domain"), ("algorithm_type", "algorithm_type"),
    ]
    static let inUse: Set<String> = ["pilot", "evaluation", "operational"]

    init(register: PublicRegister, templates: TemplateSet, layout: SiteLayout) {
        self.register = register
        self.templates = templates
        self.layout = layout
        var uiStrings: [String: [String: String]] = [:]
        for language in Set(layout.languages + [layout.defaultLanguage]) {
            uiStrings[language] = templates.uiStrings(language, fallback: layout.defaultLanguage)
        }
        self.uiStrings = uiStrings
        let sectionFields = Self.sectionFields(register.schema)
        self.sectionFields = sectionFields
        sectionFieldKeys = sectionFields.map { $0.fields.map { HashedKey($0.key) } }
        sectionTexts = Dictionary(uniqueKeysWithValues: uiStrings.map { language, t in
            (language, Self.makeSectionTexts(sectionFields, strings: t, language: language, defaultLanguage: layout.defaultLanguage))
        })
        // Sealed: every page's key reads their digest, made here once, instead of a hundred texts.
        uiStringValues = uiStrings.mapValues { .object(TemplateObject($0.mapValues(TemplateValue.text)).sealed()) }
    }

    /// Renders `layout/<template>` with a page's values.
    func render(_ template: String, _ page: Page) -> [UInt8] {
        templates.render(page: template, context: page.context, root: page.root)
    }

    /// What rendering `page` through `template` depends on, in a build's `fingerprint` (which
    /// holds the templates): the previous build's page with this key is what `render` gives.
    static func key(_ template: String, _ page: Page, fingerprint: String) -> String {
        var digest = TemplateDigest()
        digest.add(fingerprint, kind: 11)
        digest.add(template, kind: 12)
        digest.add(page.root, kind: 13)
        digest.add(page.context)
        return digest.key.hex
    }

    var settings: Settings { register.settings }

    /// The system page's sections in order, each with its public fields (name and draft are
    /// shown elsewhere); sections without fields are left out.
    static func sectionFields(_ schema: EntrySchema) -> [(section: String, fields: [EntrySchema.Field])] {
        let shownElsewhere: Set<String> = ["name", "draft"]
        let shown = schema.fields.filter { !$0.isPrivate && !shownElsewhere.contains($0.key) }
        return EntrySchema.sectionOrder.compactMap { section in
            let fields = shown.filter { $0.section == section }
            return fields.isEmpty ? nil : (section, fields)
        }
    }

    static func makeSectionTexts(_ sectionFields: [(section: String, fields: [EntrySchema.Field])], strings t: [String: String],
                             language: String, defaultLanguage: String) -> [SectionTexts] {
        sectionFields.map { section, fields in
            SectionTexts(title: .text(t["section_\(section)"] ?? EntrySchema.humanize(section)),
                         labels: fields.map { .text($0.label.text(language, fallback: defaultLanguage)) })
        }
    }

    var defaultLanguage: String { layout.defaultLanguage }

    func strings(_ language: String) -> [String: String] {
        uiStrings[language] ?? templates.uiStrings(language, fallback: defaultLanguage)
    }

    /// Values every page gets. `page` is the page path relative to a language's folder.
    func base(page: String, language: String, kind: String, title: String, description: String, fallback: Bool,
              translatedIn: (String) -> Bool = { _ in true }) -> Page {
        let path = layout.path(page, language: language)
        let root = kind == "notfound" ? rootOfBaseURL() : SiteLayout.root(from: path)
        let t = strings(language)
        // The 404 page exists once, so its language links lead to each language's home.
        let isNotFound = kind == "notfound"
        let languages: [TemplateValue] = settings.languages.map { code in
            .object(TemplateObject(Self.languageKeys, [.text(code), .text(templates.languageName(code)),
                                                       .text(root + layout.path(isNotFound ? "" : page, language: code)), .bool(code == language)]))
        }
        var alternates: [TemplateValue] = []
        if !isNotFound {
            alternates = settings.languages.filter(translatedIn).map { code in
                .object(TemplateObject(Self.alternateKeys, [.text(code), .text(layout.absolute(layout.path(page, language: code)))]))
            }
            alternates.append(.object(TemplateObject(Self.alternateKeys, ["x-default", .text(layout.absolute(layout.path(page, language: defaultLanguage)))])))
        }
        let organization = settings.organization.text(language, fallback: defaultLanguage)
        let siteTitle = t["site_title"] ?? "Algorithm register"
        return Page(root: root, values: TemplateObject(Self.baseKeys, [
            .text(language),
            .text(["ar", "he", "fa", "ur"].contains(language) ? "rtl" : "ltr"),
            .text(root),
            .text(root + layout.prefix(language)),
            uiStringValues[language] ?? .object(TemplateObject(t.mapValues(TemplateValue.text))),
            .object(TemplateObject(Self.siteKeys, [.text(organization), .text(siteTitle)])),
            .object(TemplateObject(Self.pageKeys, [
                .text(title), .text(description), .text(layout.absolute(isNotFound ? SiteLayout.notFound : path)), .text(kind),
                .text((kind == "home" ? [siteTitle, organization] : [title, siteTitle, organization]).joined(separator: " | ")),
            ])),
            .list(languages),
            .list(alternates),
            .bool(fallback),
            .text(defaultLanguage),
            .text(templates.languageName(defaultLanguage)),
            links(root: root, language: language),
            downloads(root: root, t: t),
            .text(register.contentDate),
            .object(TemplateObject(Self.contactKeys, [.text(settings.contactEmail ?? ""), .text(settings.feedbackURL ?? "")])),
        ]))
    }

    /// The names of every page's values, in the order `base` gives them.
    static let baseKeys = TemplateKeys(["lang", "dir", "root", "home", "t", "site", "page", "languages", "alternates", "fallback",
                                        "fallbackLanguage", "fallbackLanguageName", "links", "downloads", "buildDate", "contact"])
    static let languageKeys = TemplateKeys(["code", "name", "url", "current"])
    static let alternateKeys = TemplateKeys(["hreflang", "href"])
    static let siteKeys = TemplateKeys(["organization", "title"])
    static let pageKeys = TemplateKeys(["title", "description", "canonical", "kind", "documentTitle"])
    static let contactKeys = TemplateKeys(["email", "feedbackUrl"])
    static let downloadKeys = TemplateKeys(["label", "url", "format"])

    func links(root: String, language: String) -> TemplateValue {
        var links: TemplateObject = [
            "departments": .text(root + layout.path(SiteLayout.departments, language: language)),
            "about": .text(root + layout.path(SiteLayout.about, language: language)),
        ]
        if !register.reports.isEmpty { links["reports"] = .text(root + layout.path(SiteLayout.reports, language: language)) }
        return .object(links)
    }

    /// The 404 page is served at any depth, so its links start from the base URL's path.
    func rootOfBaseURL() -> String {
        let withoutScheme = layout.baseURL.split(separator: "/", omittingEmptySubsequences: true).dropFirst(2)
        return "/" + withoutScheme.map { "\($0)/" }.joined()
    }

    func downloads(root: String, t: [String: String]) -> TemplateValue {
        func download(_ label: String, _ file: String, _ format: TemplateValue) -> TemplateValue {
            .object(TemplateObject(Self.downloadKeys, [.text(label), .text(root + file), format]))
        }
        return [
            download(t["download_json"] ?? "Register (JSON)", OpenData.registerJSON, "JSON"),
            download(t["download_csv"] ?? "Register (CSV)", OpenData.registerCSV, "CSV"),
            download(t["download_schema"] ?? "Schema (JSON)", OpenData.schemaJSON, "JSON"),
            download(t["download_feed"] ?? "Changes (Atom feed)", OpenData.feed, "Atom"),
        ]
    }

    func valueLabel(_ field: String, _ value: String, _ language: String) -> String {
        templates.valueLabel(field: field, value: value, language: language, fallback: defaultLanguage)
    }

    func label(_ field: String, _ value: String?, _ language: String) -> (value: String, label: String) {
        guard let value else { return ("", "") }
        return (value, valueLabel(field, value, language))
    }

    func departmentName(_ id: String?, _ language: String) -> String {
        guard let id else { return "" }
        return settings.department(id)?.name.text(language, fallback: defaultLanguage) ?? id
    }

    /// A system as a card: the values of `partials/card`, without `cardHtml`.
    /// `search`: with the lower-cased text the home page's search box looks in (only cards need it).
    func cardValues(_ system: PublicRegister.System, language: String, search: Bool = true) -> TemplateObject {
        let name = system.string("name") ?? system.id
        let short = system.value("description_short", language: language)?.string ?? ""
        let department = system.string("department")
        let departmentName = departmentName(department, language)
        let status = label("status", system.string("status"), language)
        let risk = label("risk_category", system.string("risk_category"), language)
        let domain = label("domain", system.string("domain"), language)
        let algorithmType = label("algorithm_type", system.string("algorithm_type"), language)
        let searchText = !search ? "" : [name, short, departmentName, status.label, domain.label,
                                        (system.lazyFields["keywords"]?.array ?? []).compactMap(\.string).joined(separator: " ")]
            .joined(separator: " ").lowercased()
        func labelled(_ pair: (value: String, label: String)) -> TemplateValue {
            .object(TemplateObject(Self.labelledKeys, [.text(pair.value), .text(pair.label)]))
        }
        return TemplateObject(Self.cardKeys, [
            .text(system.id),
            .link(layout.path(SiteLayout.system(system.id), language: language)),
            .text(name),
            .text(short),
            .object(TemplateObject(Self.departmentKeys, [.text(department ?? ""), .text(departmentName),
                                                         .link(layout.path(SiteLayout.department(department ?? ""), language: language))])),
            labelled(status), labelled(risk), labelled(domain), labelled(algorithmType),
            .text(searchText),
            .bool(language != defaultLanguage && system.translations[language] == nil),
            .bool(system.lazyFields["draft"]?.bool ?? false),
        ])
    }

    static let cardKeys = TemplateKeys(["id", "url", "name", "descriptionShort", "department", "status", "risk", "domain", "algorithmType",
                                        "search", "fallback", "draft"])
    static let departmentKeys = TemplateKeys(["id", "name", "url"])
    static let labelledKeys = TemplateKeys(["value", "label"])

    /// The groupings and facets list pages share, made once; the cards are made per language
    /// (`makeCards`).
    mutating func prepareLists() {
        let systems = register.systems
        // Sorted by name on another core while this one groups (both read every system).
        let sortedByName = Background {
            let names = systems.map { ($0.string("name") ?? "").lowercased() }
            return systems.indices.sorted { names[$0] < names[$1] }
        }
        let department = HashedKey("department")
        let facetFields = Self.facets.map { HashedKey($0.field) }
        // Each facet's groups in a table of its own while grouping: one look-up per value, not two.
        var groups = [[String: [Int]]](repeating: [:], count: facetFields.count)
        for (position, system) in systems.enumerated() {
            byDepartment[system.lazyFields[department]?.string ?? "", default: []].append(position)
            for (index, field) in facetFields.enumerated() {
                if let value = system.lazyFields[field]?.string { groups[index][value, default: []].append(position) }
            }
        }
        for (field, grouped) in zip(facetFields, groups) where !grouped.isEmpty { byFieldValue[field.name] = grouped }
        for language in layout.languages { facets[language] = filters(language: language) }
        counts = RegisterCounts(systems)
        byName = sortedByName.value
    }

    /// The cards of the systems at `positions` in one language, `partials/card` rendered once
    /// each, on all cores.
    func makeCards(_ positions: [Int], language: String) -> [TemplateValue] {
        positions.parallelMap { position -> TemplateValue in
            var values = cardValues(register.systems[position], language: language)
            var context = values
            context["t"] = uiStringValues[language]
            context["lang"] = .text(language)
            context["fallbackLanguage"] = .text(defaultLanguage)
            let html = templates.render(partial: "partials/card", context: .object(context), root: Self.rootToken)
            values["cardHtml"] = .relative(Self.parts(of: html, between: Self.rootTokenBytes))
            // Sealed: every list page's key reads the card's digest, made here once.
            return .object(values.sealed())
        }
    }

    /// The card of the system at `position` in `register.systems`.
    func card(_ position: Int, language: String, search: Bool = true) -> TemplateValue {
        cards[language]?[position] ?? .object(cardValues(register.systems[position], language: language, search: search))
    }

    func cards(_ positions: [Int], language: String) -> TemplateValue {
        // The language's cards looked up once: a look-up per card retained and released the
        // same array from both cores, 20,000 times a language.
        guard let made = cards[language] else { return .list(positions.map { card($0, language: language) }) }
        return .list(positions.map { made[$0] })
    }

    /// Facets with the values present in the register, each linked to its filter page.
    func filters(language: String) -> TemplateValue {
        let t = strings(language)
        var facets: [TemplateValue] = []
        // From the groupings `prepareLists` made: each facet's counts without reading every system again.
        let departmentCounts = byDepartment.mapValues(\.count)
        facets.append([
            "key": "department", "label": .text(t["facet_department"] ?? "Department"),
            "options": .list(settings.departments.filter { departmentCounts[$0.id] != nil }.map { department in
                ["value": .text(department.id), "label": .text(department.name.text(language, fallback: defaultLanguage)),
                 "count": .number(departmentCounts[department.id] ?? 0),
                 "url": .link(layout.path(SiteLayout.department(department.id), language: language))]
            }),
        ])
        for (key, field) in Self.facets {
            let counts = (byFieldValue[field] ?? [:]).mapValues(\.count)
            let order = register.schema.field(field)?.enumeration ?? []
            let values = counts.keys.sorted { (order.firstIndex(of: $0) ?? Int.max, $0) < (order.firstIndex(of: $1) ?? Int.max, $1) }
            facets.append([
                "key": .text(key), "label": .text(t["facet_\(key)"] ?? EntrySchema.humanize(field)),
                "options": .list(values.map { value in
                    ["value": .text(value), "label": .text(valueLabel(field, value, language)),
                     "count": .number(counts[value] ?? 0),
                     "url": .link(layout.path(SiteLayout.filter(key, value), language: language))]
                }),
            ])
        }
        // Sealed: the home page and every filter page show them, and each page's key reads them.
        return .list(facets.map { facet in
            guard case .object(let object) = facet else { return facet }
            return .object(object.sealed())
        })
    }

    func home(language: String) -> Page {
        let t = strings(language)
        var page = base(page: "", language: language, kind: "home", title: t["site_title"] ?? "Algorithm register",
                        description: t["home_intro"] ?? "", fallback: false)
        page.values["systems"] = cards(byName, language: language)
        page.values["filters"] = facets[language] ?? filters(language: language)
        page.values["intro"] = .text(t["home_intro"] ?? "")
        let counts = self.counts ?? RegisterCounts(register.systems)
        page.values["counts"] = [
            ["label": .text(t["count_systems"] ?? "Systems in the register"), "value": .number(register.systems.count)],
            ["label": .text(t["count_in_use"] ?? "In use (pilot, evaluation or operational)"), "value": .number(counts.inUse)],
            ["label": .text(t["count_high_risk"] ?? "High-risk systems"), "value": .number(counts.highRisk)],
            ["label": .text(t["count_departments"] ?? "Departments"), "value": .number(counts.departments)],
        ]
        return page
    }

    static let sectionKeys = TemplateKeys(["id", "title", "fields"])
    static let fieldKeys = TemplateKeys(["key", "label", "empty", "html"])
    static let historyKeys = TemplateKeys(["date", "message"])

    /// The page of the system at `position` in `register.systems`; `markdown` carries rendered
    /// texts over to its page in the next language.
    func system(_ position: Int, language: String, markdown: MarkdownMemo = MarkdownMemo()) -> Page {
        let system = register.systems[position]
        let isFallback = language != defaultLanguage && system.translations[language] == nil
        let short = system.value("description_short", language: language)?.string ?? ""
        var page = base(page: SiteLayout.system(system.id), language: language, kind: "system",
                        title: system.string("name") ?? system.id, description: short, fallback: isFallback,
                        translatedIn: { $0 == defaultLanguage || system.translations[$0] != nil })
        let t = strings(language)
        let renderer = FieldRenderer(templates: templates, language: language, defaultLanguage: defaultLanguage, strings: t,
                                     departmentName: { departmentName($0, language) }, markdown: markdown)
        guard case .object(var card) = card(position, language: language, search: false) else { return page }
        let translation = system.translations[language]?.fields
        let ownFields = system.fields
        let texts = sectionTexts[language] ?? Self.makeSectionTexts(sectionFields, strings: t, language: language, defaultLanguage: defaultLanguage)
        var slot = 0
        var sections: [TemplateValue] = sectionFields.indices.map { sectionIndex in
            let (section, fields) = sectionFields[sectionIndex]
            let keys = sectionFieldKeys[sectionIndex]
            return .object(TemplateObject(Self.sectionKeys, [
                .text(section),
                texts[sectionIndex].title,
                .list(fields.indices.map { index -> TemplateValue in
                    let field = fields[index]
                    let translated = translation?[keys[index]]
                    let value = translated ?? ownFields[keys[index]]
                    let empty = FieldRenderer.isEmpty(value)
                    var html = ""
                    if !empty, let value {
                        html = translated == nil && FieldRenderer.rendersAlikeInEveryLanguage(value, field: field)
                            ? markdown.field(slot) { renderer.html(value, field: field) }
                            : renderer.html(value, field: field)
                    }
                    slot += 1
                    return .object(TemplateObject(Self.fieldKeys, [.text(field.key), texts[sectionIndex].labels[index], .bool(empty), .text(html)]))
                }),
            ]))
        }
        if case .object(var first)? = sections.first {
            first["first"] = true
            sections[0] = .object(first)
        }
        card["sections"] = .list(sections)
        card["bodyHtml"] = .text(system.translatedBody(language: language).map { markdown.html($0, headingOffset: 1) }
            ?? markdown.body { MarkdownRenderer.html(system.body, headingOffset: 1) })
        card["lastUpdated"] = .text(system.lastUpdated ?? "")
        card["firstPublished"] = .text(system.firstPublished ?? "")
        card["history"] = .list(system.history.map { .object(TemplateObject(Self.historyKeys, [.text($0.date), .text($0.message)])) })
        let department = system.string("department").flatMap(settings.department)
        card["contact"] = [
            "email": .text(system.string("contact_email") ?? department?.email ?? settings.contactEmail ?? ""),
            "feedbackUrl": .text(settings.feedbackURL ?? ""),
            "dataUrl": .text(page.root + OpenData.systemJSON(system.id)),
        ]
        page.values["system"] = .object(card)
        return page
    }

    func department(_ department: Settings.Department, language: String) -> Page {
        let name = department.name.text(language, fallback: defaultLanguage)
        var page = base(page: SiteLayout.department(department.id), language: language, kind: "department",
                        title: name, description: name, fallback: false)
        page.values["department"] = ["id": .text(department.id), "name": .text(name), "email": .text(department.email ?? "")]
        page.values["systems"] = cards(byDepartment[department.id] ?? [], language: language)
        return page
    }

    func departments(language: String) -> Page {
        let t = strings(language)
        var page = base(page: SiteLayout.departments, language: language, kind: "departments",
                        title: t["departments_title"] ?? "Departments", description: "", fallback: false)
        // From the lists when they are prepared: the grouping scans the whole register.
        let counts = self.counts == nil ? Dictionary(grouping: register.systems, by: { $0.string("department") ?? "" }).mapValues(\.count)
            : byDepartment.mapValues(\.count)
        page.values["departments"] = .list(settings.departments.map { department in
            ["name": .text(department.name.text(language, fallback: defaultLanguage)),
             "url": .text(page.root + layout.path(SiteLayout.department(department.id), language: language)),
             "count": .number(counts[department.id] ?? 0)]
        })
        return page
    }

    /// One page per facet value, so filtering works without JavaScript.
    func filterPage(key: String, field: String, value: String, language: String) -> Page {
        let t = strings(language)
        let facetLabel = t["facet_\(key)"] ?? EntrySchema.humanize(field)
        let optionLabel = valueLabel(field, value, language)
        var page = base(page: SiteLayout.filter(key, value), language: language, kind: "filter", title: "\(facetLabel): \(optionLabel)",
                        description: "", fallback: false)
        page.values["facet"] = ["key": .text(key), "label": .text(facetLabel)]
        page.values["option"] = ["value": .text(value), "label": .text(optionLabel)]
        page.values["systems"] = cards(byFieldValue[field]?[value] ?? [], language: language)
        page.values["filters"] = facets[language] ?? filters(language: language)
        return page
    }

    func about(language: String) -> Page {
        let t = strings(language)
        let aboutPage = register.aboutPages[language] ?? register.aboutPages[defaultLanguage]
        let title = aboutPage?.fields["title"]?.string ?? t["about_title"] ?? "About"
        var page = base(page: SiteLayout.about, language: language, kind: "about", title: title, description: "",
                        fallback: register.aboutPages[language] == nil && language != defaultLanguage)
        page.values["aboutHtml"] = .text(MarkdownRenderer.html(aboutPage?.body ?? ""))
        return page
    }

    func notFound() -> Page {
        let t = strings(defaultLanguage)
        return base(page: SiteLayout.notFound, language: defaultLanguage, kind: "notfound", title: t["notfound_title"] ?? "Page not found",
                    description: "", fallback: false)
    }
}
