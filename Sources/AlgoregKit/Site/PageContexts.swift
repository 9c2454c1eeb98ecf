/// Builds what each Mustache page receives (documented in Templates/README.md).
struct PageContexts: Sendable {
    var register: PublicRegister
    var templates: TemplateSet
    var layout: SiteLayout
    /// Each system's card rendered once per language (language -> id -> HTML), with
    /// `rootToken` where the path to the site root goes; lists then only fill in the path.
    var cards: [String: [String: String]] = [:]
    static let rootToken = "@@algoreg-root@@"
    /// Facets the home page filters on: URL key and schema field.
    static let facets: [(key: String, field: String)] = [
        ("status", "status"), ("risk", "risk_category"), ("domain", "domain"), ("algorithm_type", "algorithm_type"),
    ]
    static let inUse: Set<String> = ["pilot", "evaluation", "operational"]

    var settings: Settings { register.settings }
    var defaultLanguage: String { layout.defaultLanguage }

    func strings(_ language: String) -> [String: Any] { templates.uiStrings(language, fallback: defaultLanguage) }

    /// Values every page gets. `page` is the page path relative to a language's folder.
    func base(page: String, language: String, kind: String, title: String, description: String, fallback: Bool,
              translatedIn: (String) -> Bool = { _ in true }) -> [String: Any] {
        let path = layout.path(page, language: language)
        let root = kind == "notfound" ? rootOfBaseURL() : SiteLayout.root(from: path)
        let t = strings(language)
        // The 404 page exists once, so its language links lead to each language's home.
        let isNotFound = kind == "notfound"
        let languages: [[String: Any]] = settings.languages.map { code in
            ["code": code, "name": templates.languageName(code), "url": root + layout.path(isNotFound ? "" : page, language: code), "current": code == language]
        }
        var alternates: [[String: Any]] = []
        if !isNotFound {
            alternates = settings.languages.filter(translatedIn).map { code in
                ["hreflang": code, "href": layout.absolute(layout.path(page, language: code))]
            }
            alternates.append(["hreflang": "x-default", "href": layout.absolute(layout.path(page, language: defaultLanguage))])
        }
        let organization = settings.organization.text(language, fallback: defaultLanguage)
        let siteTitle = (t["site_title"] as? String) ?? "Algorithm register"
        return [
            "lang": language,
            "dir": ["ar", "he", "fa", "ur"].contains(language) ? "rtl" : "ltr",
            "root": root,
            "home": root + layout.prefix(language),
            "t": t,
            "site": ["organization": organization, "title": siteTitle],
            "page": ["title": title, "description": description, "canonical": layout.absolute(isNotFound ? SiteLayout.notFound : path), "kind": kind,
                     "documentTitle": (kind == "home" ? [siteTitle, organization] : [title, siteTitle, organization]).joined(separator: " | ")],
            "languages": languages,
            "alternates": alternates,
            "fallback": fallback,
            "fallbackLanguage": defaultLanguage,
            "fallbackLanguageName": templates.languageName(defaultLanguage),
            "links": links(root: root, language: language),
            "downloads": downloads(root: root, t: t),
            "buildDate": register.contentDate,
            "contact": ["email": settings.contactEmail ?? "", "feedbackUrl": settings.feedbackURL ?? ""],
        ]
    }

    func links(root: String, language: String) -> [String: Any] {
        var links = ["departments": root + layout.path(SiteLayout.departments, language: language),
                     "about": root + layout.path(SiteLayout.about, language: language)]
        if !register.reports.isEmpty { links["reports"] = root + layout.path(SiteLayout.reports, language: language) }
        return links
    }

    /// The 404 page is served at any depth, so its links start from the base URL's path.
    func rootOfBaseURL() -> String {
        let withoutScheme = layout.baseURL.split(separator: "/", omittingEmptySubsequences: true).dropFirst(2)
        return "/" + withoutScheme.map { "\($0)/" }.joined()
    }

    func downloads(root: String, t: [String: Any]) -> [[String: Any]] {
        [
            ["label": t["download_json"] as? String ?? "Register (JSON)", "url": root + OpenData.registerJSON, "format": "JSON"],
            ["label": t["download_csv"] as? String ?? "Register (CSV)", "url": root + OpenData.registerCSV, "format": "CSV"],
            ["label": t["download_schema"] as? String ?? "Schema (JSON)", "url": root + OpenData.schemaJSON, "format": "JSON"],
            ["label": t["download_feed"] as? String ?? "Changes (Atom feed)", "url": root + OpenData.feed, "format": "Atom"],
        ]
    }

    func label(_ field: String, _ value: String?, _ language: String) -> [String: Any] {
        guard let value else { return ["value": "", "label": ""] }
        return ["value": value, "label": templates.valueLabel(field: field, value: value, language: language, fallback: defaultLanguage)]
    }

    func departmentName(_ id: String?, _ language: String) -> String {
        guard let id else { return "" }
        return settings.department(id)?.name.text(language, fallback: defaultLanguage) ?? id
    }

    func card(_ system: PublicRegister.System, language: String, root: String) -> [String: Any] {
        let name = system.string("name") ?? system.id
        let short = system.value("description_short", language: language)?.string ?? ""
        let department = system.string("department")
        let departmentName = departmentName(department, language)
        let status = label("status", system.string("status"), language)
        let risk = label("risk_category", system.string("risk_category"), language)
        let domain = label("domain", system.string("domain"), language)
        let algorithmType = label("algorithm_type", system.string("algorithm_type"), language)
        let searchText = [name, short, departmentName, status["label"] as? String ?? "", domain["label"] as? String ?? "",
                          (system.fields["keywords"]?.array ?? []).compactMap(\.string).joined(separator: " ")]
            .joined(separator: " ").lowercased()
        return [
            "id": system.id,
            "url": root + layout.path(SiteLayout.system(system.id), language: language),
            "name": name,
            "descriptionShort": short,
            "department": ["id": department ?? "", "name": departmentName,
                           "url": root + layout.path(SiteLayout.department(department ?? ""), language: language)],
            "status": status, "risk": risk, "domain": domain, "algorithmType": algorithmType,
            "search": searchText,
            "fallback": language != defaultLanguage && system.translations[language] == nil,
            "draft": system.fields["draft"]?.bool ?? false,
            "cardHtml": cards[language]?[system.id].map { $0.replacingEvery(Self.rootToken, with: root) } ?? "",
        ]
    }

    /// Renders `partials/card` for every system in every language, on all cores.
    func renderCards() -> [String: [String: String]] {
        var cards: [String: [String: String]] = [:]
        for language in layout.languages {
            let htmls = register.systems.parallelMap { system -> String in
                var context = card(system, language: language, root: Self.rootToken)
                context["t"] = strings(language)
                context["lang"] = language
                context["fallbackLanguage"] = defaultLanguage
                return templates.render(partial: "partials/card", context: context)
            }
            cards[language] = Dictionary(uniqueKeysWithValues: zip(register.systems.map(\.id), htmls))
        }
        return cards
    }

    /// Facets with the values present in the register, each linked to its filter page.
    func filters(language: String, root: String) -> [[String: Any]] {
        let t = strings(language)
        var facets: [[String: Any]] = []
        let departmentCounts = Dictionary(grouping: register.systems, by: { $0.string("department") ?? "" }).mapValues(\.count)
        facets.append([
            "key": "department", "label": t["facet_department"] as? String ?? "Department",
            "options": settings.departments.filter { departmentCounts[$0.id] != nil }.map { department in
                ["value": department.id, "label": department.name.text(language, fallback: defaultLanguage),
                 "count": departmentCounts[department.id] ?? 0,
                 "url": root + layout.path(SiteLayout.department(department.id), language: language)] as [String: Any]
            },
        ])
        for (key, field) in Self.facets {
            let counts = Dictionary(grouping: register.systems.compactMap { $0.string(field) }, by: { $0 }).mapValues(\.count)
            let order = register.schema.field(field)?.enumeration ?? []
            let values = counts.keys.sorted { (order.firstIndex(of: $0) ?? Int.max, $0) < (order.firstIndex(of: $1) ?? Int.max, $1) }
            facets.append([
                "key": key, "label": t["facet_\(key)"] as? String ?? EntrySchema.humanize(field),
                "options": values.map { value in
                    ["value": value, "label": templates.valueLabel(field: field, value: value, language: language, fallback: defaultLanguage),
                     "count": counts[value] ?? 0,
                     "url": root + layout.path(SiteLayout.filter(key, value), language: language)] as [String: Any]
                },
            ])
        }
        return facets
    }

    func home(language: String) -> [String: Any] {
        let t = strings(language)
        var context = base(page: "", language: language, kind: "home", title: t["site_title"] as? String ?? "Algorithm register",
                           description: t["home_intro"] as? String ?? "", fallback: false)
        let root = context["root"] as! String
        let systems = register.systems.sorted { ($0.string("name") ?? "").lowercased() < ($1.string("name") ?? "").lowercased() }
        context["systems"] = systems.map { card($0, language: language, root: root) }
        context["filters"] = filters(language: language, root: root)
        context["intro"] = t["home_intro"] as? String ?? ""
        let inUse = register.systems.filter { Self.inUse.contains($0.string("status") ?? "") }.count
        let highRisk = register.systems.filter { $0.string("risk_category") == "high risk" }.count
        let departments = Set(register.systems.compactMap { $0.string("department") }).count
        context["counts"] = [
            ["label": t["count_systems"] as? String ?? "Systems in the register", "value": register.systems.count],
            ["label": t["count_in_use"] as? String ?? "In use (pilot, evaluation or operational)", "value": inUse],
            ["label": t["count_high_risk"] as? String ?? "High-risk systems", "value": highRisk],
            ["label": t["count_departments"] as? String ?? "Departments", "value": departments],
        ]
        return context
    }

    func system(_ system: PublicRegister.System, language: String) -> [String: Any] {
        let isFallback = language != defaultLanguage && system.translations[language] == nil
        let short = system.value("description_short", language: language)?.string ?? ""
        var context = base(page: SiteLayout.system(system.id), language: language, kind: "system",
                           title: system.string("name") ?? system.id, description: short, fallback: isFallback,
                           translatedIn: { $0 == defaultLanguage || system.translations[$0] != nil })
        let root = context["root"] as! String
        let t = strings(language)
        let renderer = FieldRenderer(templates: templates, language: language, defaultLanguage: defaultLanguage, strings: t,
                                     departmentName: { departmentName($0, language) })
        var card = card(system, language: language, root: root)
        let shownElsewhere: Set<String> = ["name", "draft"]
        var sections: [[String: Any]] = EntrySchema.sectionOrder.compactMap { section in
            let fields = register.schema.fields.filter { $0.section == section && !$0.isPrivate && !shownElsewhere.contains($0.key) }
            guard !fields.isEmpty else { return nil }
            return [
                "id": section,
                "title": t["section_\(section)"] as? String ?? EntrySchema.humanize(section),
                "fields": fields.map { field -> [String: Any] in
                    let value = system.value(field.key, language: language)
                    let empty = FieldRenderer.isEmpty(value)
                    return ["key": field.key, "label": renderer.label(field), "empty": empty,
                            "html": empty ? "" : renderer.html(value!, field: field)]
                },
            ]
        }
        if !sections.isEmpty { sections[0]["first"] = true }
        card["sections"] = sections
        card["bodyHtml"] = MarkdownRenderer.html(system.body(language: language), headingOffset: 1)
        card["lastUpdated"] = system.lastUpdated ?? ""
        card["firstPublished"] = system.firstPublished ?? ""
        card["history"] = system.history.map { ["date": $0.date, "message": $0.message] }
        let department = system.string("department").flatMap(settings.department)
        card["contact"] = [
            "email": system.string("contact_email") ?? department?.email ?? settings.contactEmail ?? "",
            "feedbackUrl": settings.feedbackURL ?? "",
            "dataUrl": root + OpenData.systemJSON(system.id),
        ]
        context["system"] = card
        return context
    }

    func department(_ department: Settings.Department, language: String) -> [String: Any] {
        let name = department.name.text(language, fallback: defaultLanguage)
        var context = base(page: SiteLayout.department(department.id), language: language, kind: "department",
                           title: name, description: name, fallback: false)
        let root = context["root"] as! String
        let systems = register.systems.filter { $0.string("department") == department.id }
        context["department"] = ["id": department.id, "name": name, "email": department.email ?? ""]
        context["systems"] = systems.map { card($0, language: language, root: root) }
        return context
    }

    func departments(language: String) -> [String: Any] {
        let t = strings(language)
        var context = base(page: SiteLayout.departments, language: language, kind: "departments",
                           title: t["departments_title"] as? String ?? "Departments", description: "", fallback: false)
        let root = context["root"] as! String
        context["departments"] = settings.departments.map { department in
            ["name": department.name.text(language, fallback: defaultLanguage),
             "url": root + layout.path(SiteLayout.department(department.id), language: language),
             "count": register.systems.filter { $0.string("department") == department.id }.count] as [String: Any]
        }
        return context
    }

    /// One page per facet value, so filtering works without JavaScript.
    func filterPage(key: String, field: String, value: String, language: String) -> [String: Any] {
        let t = strings(language)
        let facetLabel = t["facet_\(key)"] as? String ?? EntrySchema.humanize(field)
        let optionLabel = templates.valueLabel(field: field, value: value, language: language, fallback: defaultLanguage)
        var context = base(page: SiteLayout.filter(key, value), language: language, kind: "filter", title: "\(facetLabel): \(optionLabel)",
                           description: "", fallback: false)
        let root = context["root"] as! String
        context["facet"] = ["key": key, "label": facetLabel]
        context["option"] = ["value": value, "label": optionLabel]
        context["systems"] = register.systems.filter { $0.string(field) == value }.map { card($0, language: language, root: root) }
        context["filters"] = filters(language: language, root: root)
        return context
    }

    func about(language: String) -> [String: Any] {
        let t = strings(language)
        let page = register.aboutPages[language] ?? register.aboutPages[defaultLanguage]
        let title = page?.fields["title"]?.string ?? t["about_title"] as? String ?? "About"
        var context = base(page: SiteLayout.about, language: language, kind: "about", title: title, description: "",
                           fallback: register.aboutPages[language] == nil && language != defaultLanguage)
        context["aboutHtml"] = MarkdownRenderer.html(page?.body ?? "")
        return context
    }

    func notFound() -> [String: Any] {
        let t = strings(defaultLanguage)
        return base(page: SiteLayout.notFound, language: defaultLanguage, kind: "notfound", title: t["notfound_title"] as? String ?? "Page not found",
                    description: "", fallback: false)
    }
}
