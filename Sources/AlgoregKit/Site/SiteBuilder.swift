import Foundation

/// `algoreg build`: validate, render every page in every language, write the open data, and
/// swap the result into the output folder.
public enum SiteBuilder {
    public struct Options: Sendable {
        public var registry: String
        public var templates: String
        public var output: String
        public var includeDrafts: Bool
        /// Fixes the content date, as reproducible-builds.org defines it.
        public var sourceDateEpoch: String?
        public var validation: ValidationOptions
        /// Pages of an earlier build to reuse where nothing they depend on changed (`serve`).
        public var cache: RenderCache?
        /// Hands the public register and the output's records to `KeptUntilExit` instead of
        /// freeing them (a command that exits after the build).
        public var keepsModelUntilExit = false
        /// Renders the checks' problems in this format on another core while the pages are
        /// made (`Result.renderedDiagnostics`): thousands of warnings took a tenth of a rebuild
        /// to render after it.
        public var rendersDiagnostics: DiagnosticFormat?

        public init(registry: String = "Registry", templates: String = "Templates", output: String = "Site",
                    includeDrafts: Bool = false, sourceDateEpoch: String? = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"],
                    validation: ValidationOptions = ValidationOptions(), cache: RenderCache? = nil) {
            self.cache = cache
            self.registry = registry
            self.templates = templates
            self.output = output
            self.includeDrafts = includeDrafts
            self.sourceDateEpoch = sourceDateEpoch
            self.validation = validation
        }
    }

    public struct Result: Sendable {
        public var diagnostics: [Diagnostic]
        public var checkedFiles: Int
        /// Pages and other files written; 0 when the build failed.
        public var pages: Int
        public var files: Int
        public var succeeded: Bool
        /// Systems' parts of the files that list every system copied from the previous build.
        public var reusedParts = 0
        /// `diagnostics` as `Options.rendersDiagnostics` renders them, when the build found no
        /// more problems than the checks did (they were rendered while the pages were made).
        public var renderedDiagnostics: String?
    }

    public static func build(_ options: Options) -> Result {
        options.cache?.beginBuild()
        defer { options.cache?.endBuild() }
        var timer = PhaseTimer()
        defer { timer.lap("build, with freeing memory") }
        return run(options) { register, templates, output throws(SiteOutput.Failure) in
            try write(register, templates: templates, to: output, cache: options.cache)
        }
    }

    /// `algoreg report --format html`: validate, then write only one year's report (every
    /// language), its downloads and the assets into the output folder.
    public static func buildReport(_ options: Options, year: Int) -> Result {
        run(options) { register, templates, output throws(SiteOutput.Failure) in
            let layout = SiteLayout(languages: register.settings.languages, baseURL: register.settings.baseURL)
            let contexts = PageContexts(register: register, templates: templates, layout: layout)
            let (pages, files) = try writeReports(register, years: [year], contexts: contexts, layout: layout, templates: templates, to: output)
            return (pages.count, files + (try copyAssets(templates, to: output)))
        }
    }

    /// Validate, load the templates, then write into a staging folder that replaces the output
    /// only when `write` succeeded.
    static func run(_ options: Options,
                    write: (PublicRegister, TemplateSet, SiteOutput) throws(SiteOutput.Failure) -> (pages: Int, files: Int)) -> Result {
        var timer = PhaseTimer()
        // Only the public projection is kept: the validated register (with every private value
        // and source text) is freed before the pages are made.
        var checkedFiles = 0
        var diagnostics: [Diagnostic] = []
        var templateSet: TemplateSet?
        let output = SiteOutput(output: options.output, partIndex: options.validation.reusesParsedFiles
            ? SiteOutput.partIndexFile(registry: options.registry, output: options.output) : nil)
        func failed() -> Result {
            Result(diagnostics: Diagnostic.sortedForReading(diagnostics), checkedFiles: checkedFiles, pages: 0, files: 0, succeeded: false)
        }
        // `git log` runs while the files are read and checked: it waits on another process.
        let history = Background { History.read(registerFolder: URL(fileURLWithPath: options.registry)) }
        var sourceChanges: SourceChanges?
        var cacheSaved: Background<Void>?
        var rendering: (count: Int, text: Background<String>)?
        // Before returning: the parse cache is saved while the pages are made.
        defer { _ = cacheSaved?.value }
        func publicRegister() throws(SiteOutput.Failure) -> PublicRegister? {
            let validation: ValidationResult
            (validation, cacheSaved) = RegisterValidator.validateSavingInBackground(options.registry, options: options.validation)
            timer.lap("load and validate")
            checkedFiles = validation.checkedFiles
            diagnostics = validation.diagnostics
            if let format = options.rendersDiagnostics {
                let found = validation.diagnostics, files = checkedFiles
                rendering = (found.count, Background { DiagnosticPrinter.render(found, format: format, checkedFiles: files) })
            }
            sourceChanges = validation.sourceChanges
            let (templates, templateProblems) = TemplateSet.load(options.templates, withReports: !(validation.register?.reports.isEmpty ?? true))
            diagnostics += templateProblems
            templateSet = templates
            guard let register = validation.register, templates != nil else { return nil }
            try output.checkOwnership()
            try output.prepare()
            return PublicRegister(register, history: history.value, includeDrafts: options.includeDrafts, sourceDateEpoch: options.sourceDateEpoch)
        }
        do throws(SiteOutput.Failure) {
            guard let publicRegister = try publicRegister(), let templates = templateSet else { return failed() }
            if options.keepsModelUntilExit { KeptUntilExit.keep((publicRegister, templates, output, history, cacheSaved as Any)) }
            returnFreedMemory()
            timer.lap("templates, history, public")
            let (pages, files) = try write(publicRegister, templates, output)
            timer.lap("write")
            // A body read from a file that changed since its status was taken: not published.
            if let changed = sourceChanges?.paths.first { throw SiteOutput.Failure.io(SourceChanges.diagnostic(changed)) }
            try output.commit()
            output.parts.save()
            timer.lap("commit")
            return Result(diagnostics: diagnostics, checkedFiles: checkedFiles, pages: pages, files: files, succeeded: true,
                          reusedParts: output.parts.reusedCount,
                          renderedDiagnostics: rendering.flatMap { $0.count == diagnostics.count ? $0.text.value : nil })
        } catch {
            output.abandon()
            diagnostics.append(error.diagnostic)
            return failed()
        }
    }

    /// The annual reports of `years` (each with a narrative) in every language, the reports
    /// index, and each report's figures (JSON, CSV) and directory (CSV).
    static func writeReports(_ register: PublicRegister, years: [Int], contexts: PageContexts, layout: SiteLayout, templates: TemplateSet,
                             to output: SiteOutput) throws(SiteOutput.Failure) -> (pages: [String], files: Int) {
        guard !register.reports.isEmpty else { return ([], 0) }
        var pages: [String] = []
        var files = 0
        for language in layout.languages {
            let path = layout.path(SiteLayout.reports, language: language)
            try output.write(SiteLayout.file(for: path), contexts.render("report", contexts.reportsIndex(language: language)))
            pages.append(path)
        }
        for narrative in register.reports where years.contains(narrative.year) {
            let figures = YearFigures.compute(register, year: narrative.year)
            for language in layout.languages {
                let path = layout.path(SiteLayout.report(narrative.year), language: language)
                try output.write(SiteLayout.file(for: path), contexts.render("report", contexts.report(narrative, figures: figures, language: language)))
                pages.append(path)
            }
            try output.write(ReportData.figuresJSON(narrative.year), ReportData.json(figures))
            try output.write(ReportData.figuresCSV(narrative.year), ReportData.figuresCSV(figures))
            try output.write(ReportData.directoryCSV(narrative.year), ReportData.directoryCSV(figures) { contexts.departmentName($0, layout.defaultLanguage) })
            files += 3
        }
        return (pages, files + pages.count)
    }

    /// A file of open data or an export: where it goes and how to make it.
    struct DataFile: Sendable {
        var path: String
        /// Writes the file's bytes into the sink, which streams them to disk.
        var make: @Sendable (inout ByteSink) throws(SiteOutput.Failure) -> Void

        init(_ path: String, make: @escaping @Sendable (inout ByteSink) throws(SiteOutput.Failure) -> Void) {
            self.path = path
            self.make = make
        }
    }

    /// What became of one system's pages and JSON.
    struct SystemPages: Sendable {
        var paths: [String]
        var key: SiteOutput.PageKey
        /// Every page was kept in a folder nobody changed (the prune need not look into them).
        var vouched: Bool
        /// The previous build had the system.
        var knownBefore: Bool
    }

    /// A list page to render: where it goes, its template, and how to make its values.
    struct PageJob: Sendable {
        var path: String
        var template: String
        var lastModified: String?
        /// The systems whose cards the page shows; nil: it may show any.
        var cards: [Int]?
        var context: @Sendable (PageContexts) -> PageContexts.Page

        init(path: String, template: String, lastModified: String? = nil, cards: [Int]? = nil,
             context: @escaping @Sendable (PageContexts) -> PageContexts.Page) {
            self.path = path
            self.template = template
            self.lastModified = lastModified
            self.cards = cards
            self.context = context
        }
    }

    /// Every file of open data and every export. `sitemap`: every page, with when it last
    /// changed. `systemJSON`: the text of the system at a position, as in `systems/<id>.json`.
    static func dataFiles(_ register: PublicRegister, layout: SiteLayout, parts: [PartKey?], title siteTitle: String,
                          sitemap: [(path: String, lastModified: String?)],
                          systemJSON: @escaping @Sendable (Int) throws(SiteOutput.Failure) -> [UInt8]) -> [DataFile] {
        let organization = register.settings.organization.text(layout.defaultLanguage, fallback: layout.defaultLanguage)
        // Largest first, as they are made on all cores: a large file started last kept one core
        // busy for a tenth of a second after the other had finished. A rebuild copies most of
        // each file, so its time goes with the size, and a cold build's nearly so.
        return [
            DataFile(OpenData.registerJSON) { (sink) throws(SiteOutput.Failure) in
                try OpenData.registerJSON(register, layout: layout, parts: parts, into: &sink, systemJSON: systemJSON)
            },
            DataFile(OpenData.registerCSV) { OpenData.csv(register, layout: layout, parts: parts, into: &$0) },
        ] + Exporter.siteFiles(register, parts: parts) + [
            DataFile(OpenData.feed) { OpenData.atom(register, layout: layout, title: "\(siteTitle) — \(organization)", parts: parts, into: &$0) },
            DataFile(OpenData.sitemap) { OpenData.sitemap(sitemap, layout: layout, into: &$0) },
            DataFile(OpenData.schemaJSON) { $0.append(OpenData.schemaValue(register.schema).jsonText(pretty: true) + "\n") },
        ]
    }

    /// Streams `files` into the output on all cores; the first failure, if any.
    static func stream(_ files: [DataFile], to output: SiteOutput) -> SiteOutput.Failure? {
        files.parallelMap { file -> SiteOutput.Failure? in
            do throws(SiteOutput.Failure) {
                try output.stream(file.path, file.make)
                return nil
            } catch {
                return error
            }
        }.compactMap { $0 }.first
    }

    static func copyAssets(_ templates: TemplateSet, to output: SiteOutput) throws(SiteOutput.Failure) -> Int {
        for asset in templates.assets {
            try output.copy(templates.folder.appendingPathComponent("assets").appendingPathComponent(asset), to: "assets/\(asset)")
        }
        return templates.assets.count
    }

    /// One language's list pages: home, departments, filter pages and about, on all cores.
    /// `fingerprint` and `previousListKeys`: a page whose key (`PageContexts.key`) is the one the
    /// previous build recorded is kept as it is in the output. `parts`: each system's part key;
    /// a system whose key is the previous build's has the card it had, so its card is made only
    /// when a page that shows it is rendered (its digest stands in for it in the keys).
    static func writeListPages(_ register: PublicRegister, language: String, contexts: inout PageContexts, layout: SiteLayout, to output: SiteOutput,
                               fingerprint: String, previousListKeys: [String: String], parts: [PartKey?],
                               pagePaths: inout [(path: String, lastModified: String?)], files: inout Int) throws(SiteOutput.Failure) {
        var jobs: [PageJob] = []
        jobs.append(PageJob(path: layout.path("", language: language), template: "home", lastModified: register.contentDate) { $0.home(language: language) })
        jobs.append(PageJob(path: layout.path(SiteLayout.departments, language: language), template: "departments") { $0.departments(language: language) })
        for department in register.settings.departments {
            jobs.append(PageJob(path: layout.path(SiteLayout.department(department.id), language: language), template: "department",
                                cards: contexts.byDepartment[department.id] ?? []) {
                $0.department(department, language: language)
            })
        }
        for (key, field) in PageContexts.facets {
            for value in (contexts.byFieldValue[field] ?? [:]).keys.sorted() {
                jobs.append(PageJob(path: layout.path(SiteLayout.filter(key, value), language: language), template: "filter",
                                    cards: contexts.byFieldValue[field]?[value] ?? []) {
                    $0.filterPage(key: key, field: field, value: value, language: language)
                })
            }
        }
        jobs.append(PageJob(path: layout.path(SiteLayout.about, language: language), template: "about") { $0.about(language: language) })

        let previousCards = output.parts.previousCards(language)
        var cards = parts.map { key in key.flatMap { previousCards[$0] }.map { TemplateValue.object(.placeholder(TemplateDigest($0))) } }
        // Real cards at `positions` (where there are none yet, or placeholders), into the contexts.
        func realizeCards(_ positions: some Sequence<Int>) {
            let missing = positions.filter { cards[$0] == nil || cards[$0]!.isPlaceholder }
            for (position, card) in zip(missing, contexts.makeCards(missing, language: language)) { cards[position] = card }
            contexts.cards = [language: cards.map { $0 ?? .null }]
        }
        realizeCards(cards.indices.filter { cards[$0] == nil })
        var digests: [PartKey: PartKey] = [:]
        for (position, key) in parts.enumerated() {
            if let key, case .object(let card)? = cards[position], let digest = card.sealedDigest { digests[key] = digest.key }
        }
        output.parts.recordCards(language, digests)

        // The same context as last time: the page in the output is what this build would write.
        let withPlaceholders = contexts
        let keys = jobs.parallelMap { job in PageContexts.key(job.template, job.context(withPlaceholders), fingerprint: fingerprint) }
        var toRender: [PageJob] = []
        for (job, key) in zip(jobs, keys) {
            let file = SiteLayout.file(for: job.path)
            if previousListKeys[file] == key && output.keepPrevious(file) {
                output.listKeys.record(file, SiteOutput.PageKey(pages: key, source: nil))
            } else {
                toRender.append(job)
            }
        }
        if toRender.contains(where: { $0.cards == nil }) {
            realizeCards(cards.indices)
        } else {
            realizeCards(Set(toRender.flatMap { $0.cards ?? [] }).sorted())
        }
        let withCards = contexts
        let rendered = toRender.parallelMap { job -> SiteOutput.Failure? in
            do throws(SiteOutput.Failure) {
                let contexts = withCards
                let file = SiteLayout.file(for: job.path)
                // Keyed with the cards it shows, made (their digests are those that stood for them).
                let page = job.context(contexts)
                output.listKeys.record(file, SiteOutput.PageKey(pages: PageContexts.key(job.template, page, fingerprint: fingerprint), source: nil))
                try output.write(file, contexts.render(job.template, page))
                return nil
            } catch {
                return error
            }
        }
        if let failure = rendered.compactMap({ $0 }).first { throw failure }
        pagePaths += jobs.map { ($0.path, $0.lastModified) }
        files += jobs.count
    }

    static func write(_ register: PublicRegister, templates: TemplateSet, to output: SiteOutput, cache: RenderCache? = nil) throws(SiteOutput.Failure) -> (pages: Int, files: Int) {
        let layout = SiteLayout(languages: register.settings.languages, baseURL: register.settings.baseURL)
        var timer = PhaseTimer()
        var pagePaths: [(path: String, lastModified: String?)] = []
        var files = 0
        // Everything a page depends on besides its own values, hashed once: with a system's JSON
        // (its public content and history) it keys the system's pages, with a list page's
        // context that page. Files whose key is the one the previous build recorded stay in
        // the output as they are.
        let fingerprint = StableHash.hex([
            ProgramIdentity.text ?? "", templates.fingerprint, register.settings.fingerprint, register.schema.source.jsonText(pretty: false),
            register.contentDate, register.reports.map { String($0.year) }.joined(separator: ","), layout.languages.joined(separator: ","),
        ].joined(separator: "\u{1}"))
        let previous = output.previousKeys()
        let previousKeys = previous.pages
        // A system's card and its part of the files that list every system are keyed, like its
        // pages, by what it is made from in this build's fingerprint.
        let parts = register.systems.map { system in system.sourceKey.map { PartKey($0, context: fingerprint) } }
        timer.lap("  fingerprint and previous keys")
        // Cards live only while their language's list pages are made (at 100,000 systems one
        // language's take about 350 MB): a system page makes its own values.
        do {
            var pageContexts = PageContexts(register: register, templates: templates, layout: layout)
            pageContexts.prepareLists()
            timer.lap("  lists prepared")
            for language in layout.languages {
                try writeListPages(register, language: language, contexts: &pageContexts, layout: layout, to: output,
                                   fingerprint: fingerprint, previousListKeys: previous.lists, parts: parts, pagePaths: &pagePaths, files: &files)
                pageContexts.cards = [:]
                returnFreedMemory()
                timer.lap("  list pages (\(language))")
            }
        }
        let contexts = PageContexts(register: register, templates: templates, layout: layout)
        try output.write(SiteLayout.notFound, contexts.render("notfound", contexts.notFound()))
        files += 1
        let reportPaths = try writeReports(register, years: register.reports.map(\.year), contexts: contexts, layout: layout, templates: templates, to: output)
        pagePaths += reportPaths.pages.map { ($0, register.contentDate) }
        files += reportPaths.files
        timer.lap("  404 and reports")
        // Systems: every language's page and the JSON, rendered on all cores.
        let unchangedBefore = output.unchangedBefore
        let results = Array(register.systems.indices).parallelMap { position -> Swift.Result<SystemPages, SiteOutput.Failure> in
            let system = register.systems[position]
            do throws(SiteOutput.Failure) {
                let page = SiteLayout.system(system.id)
                let paths = layout.languages.map { layout.path(page, language: $0) }
                // The system's part key, written out: made from the same text in the same context.
                let sourceKey = parts[position]?.hex
                // Made from the same files in the same build fingerprint as last time: the pages
                // and the JSON in the output are what this build would write.
                // Each page's folder holds only the page (the layout is in the fingerprint).
                if let sourceKey, let previous = previousKeys[system.id], previous.source == sourceKey {
                    var files = [OpenData.systemJSON(system.id)], folders: [String?] = [nil]
                    files.reserveCapacity(1 + paths.count)
                    folders.reserveCapacity(1 + paths.count)
                    for path in paths {
                        files.append(SiteLayout.file(for: path))
                        folders.append(SiteLayout.folder(for: path))
                    }
                    let kept = output.keepPrevious(all: files, soleIn: folders, unchangedBefore: unchangedBefore)
                    if kept != .none { return .success(SystemPages(paths: paths, key: previous, vouched: kept == .keptInUnchangedFolders, knownBefore: true)) }
                }
                let jsonText = OpenData.systemJSONText(system, register: register, layout: layout)
                let key = PartKey(jsonText, context: fingerprint).hex
                let unchanged = previousKeys[system.id]?.pages == key
                let kept = paths.map { unchanged && output.keepPrevious(SiteLayout.file(for: $0)) }
                if kept.contains(false) {
                    let cached = cache?.pages(for: key)
                    var rendered: [[UInt8]] = []
                    let markdown = MarkdownMemo()
                    for (index, language) in layout.languages.enumerated() {
                        let html = cached?[index] ?? contexts.render("system", contexts.system(position, language: language, markdown: markdown))
                        // A system's folder is new in the staging folder, so it is made before the open.
                        if !kept[index] { try output.write(SiteLayout.file(for: paths[index]), html, inNewFolder: true) }
                        rendered.append(html)
                    }
                    if cached == nil { cache?.store(rendered, for: key) }
                }
                if !(unchanged && output.keepPrevious(OpenData.systemJSON(system.id))) {
                    try output.write(OpenData.systemJSON(system.id), jsonText)
                }
                return .success(SystemPages(paths: paths, key: SiteOutput.PageKey(pages: key, source: sourceKey), vouched: false,
                                            knownBefore: previousKeys[system.id] != nil))
            } catch {
                return .failure(error)
            }
        }
        timer.lap("  system pages")
        var systemKeys: [(id: String, key: SiteOutput.PageKey)] = []
        var unvouched: [String] = []
        var knownBefore = 0
        systemKeys.reserveCapacity(results.count)
        // A language's pages together, in the register's order (by id): the sitemap sorts the
        // paths, and runs already in order cost it next to nothing.
        var systemPaths = Array(repeating: [(path: String, lastModified: String?)](), count: layout.languages.count)
        for (system, result) in zip(register.systems, results) {
            switch result {
            case .success(let written):
                for (language, path) in written.paths.enumerated() { systemPaths[language].append((path, system.lastUpdated)) }
                files += written.paths.count + 1
                systemKeys.append((system.id, written.key))
                if !written.vouched { unvouched.append(system.id) }
                if written.knownBefore { knownBefore += 1 }
            case .failure(let failure):
                throw failure
            }
        }
        pagePaths += systemPaths.joined()
        // Where each system has a folder or file of its own, by the layout: the prune takes those
        // folders' entries from the previous build's marker when nobody changed them since.
        let systemFolders = layout.languages.map { language in
            SiteOutput.SystemFolder(path: SiteLayout.folder(for: layout.path(SiteLayout.systems, language: language)), suffix: "", holdsFolders: true)
        } + [SiteOutput.SystemFolder(path: OpenData.systemsFolder, suffix: OpenData.systemJSONSuffix, holdsFolders: false)]
        // Every system of the previous build is one of this build's unless fewer were found.
        let gone = knownBefore == previousKeys.count ? [] : Set(previousKeys.keys).subtracting(register.systems.map(\.id)).sorted()
        output.systemKeys.set(systemKeys, folders: systemFolders, unvouched: unvouched, gone: gone)
        let siteTitle = contexts.strings(layout.defaultLanguage)["site_title"] ?? "Algorithm register"
        // From the systems' JSON files just written, one at a time, rather than holding them all.
        let dataFiles = self.dataFiles(register, layout: layout, parts: parts, title: siteTitle, sitemap: pagePaths) { (position) throws(SiteOutput.Failure) in
            try output.read(OpenData.systemJSON(register.systems[position].id))
        }
        if let failure = stream(dataFiles, to: output) { throw failure }
        files += dataFiles.count
        timer.lap("  open data and exports")
        files += try copyAssets(templates, to: output)
        return (pagePaths.count, files)
    }
}
