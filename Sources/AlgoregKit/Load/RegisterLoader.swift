import Foundation

/// A Markdown file with YAML front matter, parsed.
public struct Document: Sendable {
    public var file: SourceFile
    /// The front matter, decoded from the parse cache only as far as it is read (`LazyFields`).
    var lazyFields: LazyFields
    /// Where the front matter's fields start, for problems about the whole block.
    public var fieldsLocation: SourceLocation
    /// The long description; for a file the parse cache vouches for, read from the file only
    /// when something reads it.
    var lazyBody: Deferred<String>
    public var bodyLine: Int
    /// The key of the file's bytes in the parse cache, when one is in use.
    var contentKey: ParseCache.Key?

    /// The front matter as an object (an empty object when the front matter is empty).
    public var fields: Object {
        get { lazyFields.object }
        set { lazyFields = LazyFields(newValue) }
    }

    public var body: String {
        get { lazyBody.value }
        set { lazyBody = Deferred(newValue) }
    }

    init(file: SourceFile, fields: LazyFields, fieldsLocation: SourceLocation, body: Deferred<String>, bodyLine: Int) {
        self.file = file
        lazyFields = fields
        self.fieldsLocation = fieldsLocation
        lazyBody = body
        self.bodyLine = bodyLine
    }
}

/// A file in `systems/`: an entry (`<id>.md`) or its translation (`<id>.<lang>.md`).
public struct EntryFile: Sendable {
    public var id: String
    /// nil for the entry itself, the language code for a translation.
    public var language: String?
    public var document: Document
}

/// Everything read from `Registry/`, before any checks against the schema.
public struct LoadedRegister: Sendable {
    public var root: URL
    public var displayRoot: String
    public var settings: Document?
    public var schema: Document?
    public var entries: [EntryFile] = []
    public var translations: [EntryFile] = []
    /// `about.md` and its translations (`about.<lang>.md`), keyed by language (nil = default).
    public var pages: [EntryFile] = []
    /// Ids of entry files that exist but could not be read or parsed (they have diagnostics).
    public var unreadableEntryIDs: Set<String> = []
    /// Every file looked at, readable or not.
    public var fileCount = 0
    /// `plan.yaml`, the action plan, when present.
    public var plan: Document?
    /// `reports/<year>.md`: one narrative per report year (the id is the year).
    public var reports: [EntryFile] = []
    public var diagnostics: [Diagnostic] = []
}

/// The layout of a register folder.
public enum RegisterLayout {
    /// A folder as the paths shown to the user start with it: as given, without a trailing slash.
    /// The reader names files under it, and the parse cache knows them by what follows it.
    static func displayRoot(_ path: String) -> String {
        path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public static let settingsFile = "register.yaml"
    public static let schemaFile = "schema.yaml"
    public static let systemsFolder = "systems"
    public static let aboutPage = "about"
    public static let planFile = "plan.yaml"
    public static let reportsFolder = "reports"
    public static let defaultMaxFileBytes = 1 << 20
    /// An id: `[a-z0-9][a-z0-9-]*` (checked as bytes: a `Regex` match per file was a tenth of a cached run).
    static func isID(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLowercaseOrDigit(first) else { return false }
        for byte in text.utf8.dropFirst() where !(isLowercaseOrDigit(byte) || byte == UInt8(ascii: "-")) { return false }
        return true
    }

    /// A language code: `[a-z]{2,3}(-[A-Za-z0-9]+)?`.
    static func isLanguageCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let letters = bytes.prefix { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }.count
        guard letters == 2 || letters == 3 else { return false }
        let rest = bytes.dropFirst(letters)
        if rest.isEmpty { return true }
        return rest.first == UInt8(ascii: "-") && rest.count > 1 && rest.dropFirst().allSatisfy { isLowercaseOrDigit($0) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
    }

    private static func isLowercaseOrDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
    /// `2026` or `2026.nl` (a translation of that year's narrative).
    nonisolated(unsafe) static let reportName = /(\d{4})(?:\.([a-z]{2,3}))?/
}

public enum RegisterLoader {
    /// Reads the register at `path`. Never throws: every problem becomes a diagnostic.
    public static func load(_ path: String, cache: ParseCache? = nil) -> LoadedRegister {
        var reader = RegisterReader(path: path)
        reader.cache = cache
        guard reader.folderExists() else { return reader.register }
        // Settings first: they set the file size limit for everything else.
        reader.readSettingsAndSchema()
        reader.readAboutPages()
        reader.readPlanAndReports()
        reader.readSystems()
        return reader.register
    }

    enum EntryKind { case file, symlink }

    /// Every non-hidden file below `folder` (relative paths, sorted), read with `readdir`:
    /// for thousands of entries Foundation's URL enumeration was a tenth of `validate`.
    static func listFiles(under folder: String) -> [(String, EntryKind)] {
        var found: [(String, EntryKind)] = []
        func walk(_ relative: String) {
            let path = relative.isEmpty ? folder : folder + "/" + relative
            guard let directory = opendir(path) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = directoryEntryName(entry)
                if name.hasPrefix(".") { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR): walk(child)
                case Int32(DT_LNK): found.append((child, .symlink))
                case Int32(DT_REG): found.append((child, .file))
                default:
                    // File systems that do not report the type: ask.
                    var info = stat()
                    if lstat(folder + "/" + child, &info) == 0 {
                        if (info.st_mode & S_IFMT) == S_IFDIR { walk(child) }
                        else if (info.st_mode & S_IFMT) == S_IFLNK { found.append((child, .symlink)) }
                        else { found.append((child, .file)) }
                    }
                }
            }
        }
        walk("")
        return TextOrder.sorted(found, by: \.0)
    }

    struct DiscoveredFile: Sendable {
        /// Absolute.
        var path: String
        var url: URL { URL(fileURLWithPath: path, isDirectory: false) }
        /// The path below the folder it was found in.
        var relative: String
        var displayPath: String
        var id: String
        var language: String?
    }

    static func discoverEntryFiles(in folder: URL, registryRoot: URL, displayPrefix: String) -> ([DiscoveredFile], [Diagnostic]) {
        let realRoot = registryRoot.resolvingSymlinksInPath().path
        let folderPath = folder.standardizedFileURL.path
        // On one core: on two, both retaining the same strings for each of 10,000 names cost
        // more than the work.
        let listed = listFiles(under: folderPath)
        var files: [DiscoveredFile] = []
        var problems: [Diagnostic] = []
        files.reserveCapacity(listed.count)
        for (relative, kind) in listed {
            if let file = discoverEntryFile(relative, kind: kind, folderPath: folderPath, realRoot: realRoot, displayPrefix: displayPrefix, problems: &problems) {
                files.append(file)
            }
        }
        return (files, problems)
    }

    /// One listed file: an entry, or nil (a problem with its name or place, added to
    /// `problems`, or a linked folder).
    private static func discoverEntryFile(_ relative: String, kind: EntryKind, folderPath: String, realRoot: String, displayPrefix: String,
                                          problems: inout [Diagnostic]) -> DiscoveredFile? {
        let path = String.path(folderPath, relative)
        let displayPath = String.path(displayPrefix, relative)
        if kind == .symlink {
            // Not a directory (listFiles says so): without `isDirectory`, URL would ask the file system.
            let target = URL(fileURLWithPath: path, isDirectory: false).resolvingSymlinksInPath().path
            if !(target == realRoot || target.hasPrefix(realRoot + "/")) {
                problems.append(Diagnostic(file: displayPath, location: nil, code: .symlinkOutside,
                    message: "This is a link to `\(target)`, outside the register folder; it is not read.",
                    fix: "Copy the file into the register instead of linking to it."))
                return nil
            }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), isFolder.boolValue { return nil }
        }
        switch entryName(relative) {
        case .entry(let id, let language):
            return DiscoveredFile(path: path, relative: relative, displayPath: displayPath, id: id, language: language)
        case .notMarkdown:
            problems.append(Diagnostic(file: displayPath, location: nil, severity: .warning, code: .strayFile,
                message: "This file is not a Markdown entry (`.md`) and is ignored.",
                fix: "Move it out of `\(displayPrefix)/`, or rename it to `<id>.md` if it is an entry."))
        case .badName(let name, let stem):
            let suggestion = slug(stem)
            problems.append(Diagnostic(file: displayPath, location: nil, code: .badFileName,
                message: "The file name `\(name)` is not a valid entry id: ids use lowercase letters, digits and hyphens, and a translation adds a language code (`\(suggestion).nl.md`).",
                fix: "Rename the file to `\(suggestion.isEmpty ? "my-system" : suggestion).md`."))
        }
        return nil
    }

    enum EntryName: Equatable {
        case entry(id: String, language: String?)
        case notMarkdown
        /// The file's name, and what comes before its first dot.
        case badName(String, stem: String)
    }

    /// What the last part of `relative` names: `<id>.md`, `<id>.<language>.md`, or neither.
    /// By bytes: at 10,000 systems splitting each name as text took longer than listing them.
    static func entryName(_ relative: String) -> EntryName {
        var relative = relative
        return relative.withUTF8 { bytes -> EntryName in
            let start = (bytes.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            let end = bytes.count - 3
            guard end > start, bytes[end] == UInt8(ascii: "."), bytes[end + 1] == UInt8(ascii: "m"), bytes[end + 2] == UInt8(ascii: "d") else {
                return .notMarkdown
            }
            var firstDot: Int?, dots = 0
            for position in start..<end where bytes[position] == UInt8(ascii: ".") {
                if firstDot == nil { firstDot = position }
                dots += 1
            }
            let id = text(start..<(firstDot ?? end))
            let language = firstDot.map { text(($0 + 1)..<end) }
            guard dots <= 1, RegisterLayout.isID(id), language.map(RegisterLayout.isLanguageCode) ?? true else {
                return .badName(text(start..<bytes.count), stem: id)
            }
            return .entry(id: id, language: language)
        }
    }

    /// Lowercase, ASCII letters and digits, words joined by hyphens.
    public static func slug(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var result = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                result.unicodeScalars.append(scalar)
                pendingHyphen = false
            } else {
                pendingHyphen = true
            }
        }
        return result
    }

    /// Reads one file and parses its YAML (the whole file for settings and schema, the front
    /// matter for Markdown files).
    /// With a cache, a file whose bytes are those of the last run is not parsed again.
    /// `status`: how to find the file's status, when it is found otherwise than by its path.
    static func parseDocument(at url: URL, displayPath: String, maxBytes: Int, yamlOnly: Bool, cache: ParseCache? = nil) -> (Document?, [Diagnostic]) {
        parseDocument(atPath: url.path, displayPath: displayPath, maxBytes: maxBytes, yamlOnly: yamlOnly, cache: cache)
    }

    static func parseDocument(atPath path: String, displayPath: String, maxBytes: Int, yamlOnly: Bool, cache: ParseCache? = nil,
                              status: (() -> FileStatus?)? = nil) -> (Document?, [Diagnostic]) {
        // A Markdown file whose status is the one it had with the cache's record is not read.
        if let cache, !yamlOnly,
           let unchanged = cache.unchangedDocument(path: displayPath, filePath: path, maxBytes: maxBytes, status: status ?? { FileStatus.of(path) }) {
            return unchanged
        }
        let url = URL(fileURLWithPath: path, isDirectory: false)
        let readAt = FileStatus.now()
        let (read, readProblem, status) = SourceFile.readBytesAndStatus(path, displayPath: displayPath, maxBytes: maxBytes)
        guard let bytes = read else { return (nil, readProblem.map { [$0] } ?? []) }
        guard let cache else { return parseDocument(bytes, url: url, displayPath: displayPath, yamlOnly: yamlOnly) }
        let key = bytes.withUnsafeBytes { ParseCache.Key($0, context: yamlOnly ? "yaml" : "markdown") }
        if let status, !yamlOnly { cache.note(path: displayPath, status: status, key: key, readAt: readAt) }
        if let cached = bytes.withUnsafeBytes({ cache.document(path: displayPath, filePath: path, key: key, bytes: $0) }) { return cached }
        var (document, diagnostics) = parseDocument(bytes, url: url, displayPath: displayPath, yamlOnly: yamlOnly)
        document?.contentKey = key
        let bodyOffset = document.flatMap { SourceFile.isTextAsStored(bytes) ? bytes.count - $0.body.utf8.count : nil }
        cache.store(path: displayPath, key: key, document: document, diagnostics: diagnostics, bodyOffset: bodyOffset)
        return (document, diagnostics)
    }

    static func parseDocument(_ bytes: [UInt8], url: URL, displayPath: String, yamlOnly: Bool) -> (Document?, [Diagnostic]) {
        let (source, readProblem) = SourceFile.decode(bytes, url: url, displayPath: displayPath)
        guard let source else { return (nil, readProblem.map { [$0] } ?? []) }
        let frontMatter: FrontMatter
        if yamlOnly {
            frontMatter = FrontMatter(yaml: source.text, yamlLineOffset: 0, body: "", bodyLine: 0)
        } else {
            switch FrontMatter.split(source.text) {
            case .success(let split): frontMatter = split
            case .failure(.missingOpening):
                return (nil, [Diagnostic(file: displayPath, location: .start, code: .noFrontMatter,
                    message: "The file does not start with front matter (the fields between two `---` lines).",
                    fix: "Make the first line exactly `---`, then the fields (`name: ...`), then a line `---`, then the description.")])
            case .failure(.unterminated):
                return (nil, [Diagnostic(file: displayPath, location: .start, code: .unterminatedFrontMatter,
                    message: "The front matter opened on line 1 is never closed.",
                    fix: "Add a line with exactly `---` after the last field, before the description.")])
            }
        }
        let (value, problems) = YAMLLoader.load(frontMatter.yaml, lineOffset: frontMatter.yamlLineOffset)
        var diagnostics = problems.map { $0.diagnostic(in: displayPath) }
        guard let value else { return (nil, diagnostics) }
        let fieldsLocation = SourceLocation(line: 1 + frontMatter.yamlLineOffset, column: 1)
        var fields = Object()
        switch value.kind {
        case .object(let object): fields = object
        case .null: break
        default:
            diagnostics.append(Diagnostic(file: displayPath, location: value.location, code: .wrongType,
                message: "The front matter must be a list of `field: value` lines, but it is \(value.array != nil ? "a list" : "a single value").",
                fix: "Write each field on its own line as `field: value`."))
            return (nil, diagnostics)
        }
        // The whole text is not kept: fields and body are, and the printers read caret lines from
        // disk. A register of 100,000 entries would otherwise hold every file twice.
        var file = source
        file.text = ""
        let document = Document(file: file, fields: LazyFields(fields), fieldsLocation: fieldsLocation, body: Deferred(frontMatter.body), bodyLine: frontMatter.bodyLine)
        return (document, diagnostics)
    }
}

/// One pass over a register folder, stage by stage, collecting files and diagnostics.
struct RegisterReader {
    let root: URL
    let displayRoot: String
    var register: LoadedRegister
    var maxBytes = RegisterLayout.defaultMaxFileBytes
    var cache: ParseCache?

    init(path: String) {
        root = URL(fileURLWithPath: path).standardizedFileURL
        displayRoot = RegisterLayout.displayRoot(path)
        register = LoadedRegister(root: root, displayRoot: displayRoot)
    }

    func display(_ relative: String) -> String { "\(displayRoot)/\(relative)" }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    mutating func folderExists() -> Bool {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue { return true }
        register.diagnostics.append(Diagnostic(file: displayRoot, location: nil, code: .fileUnreadable,
            message: "The register folder `\(displayRoot)` does not exist.",
            fix: "Run Algoreg from the folder that contains `Registry/`, or pass the register's folder with `--registry`."))
        return false
    }

    /// Reads a YAML file that must exist, or reports it missing with `fix`.
    mutating func readRequiredYAML(_ name: String, maxBytes limit: Int, missing message: String, fix: String) -> Document? {
        let url = root.appendingPathComponent(name)
        guard exists(url) else {
            register.diagnostics.append(Diagnostic(file: display(name), location: nil, code: .fileUnreadable, message: message, fix: fix))
            return nil
        }
        let (document, problems) = RegisterLoader.parseDocument(at: url, displayPath: display(name), maxBytes: limit, yamlOnly: true, cache: cache)
        register.diagnostics += problems
        register.fileCount += 1
        return document
    }

    mutating func readSettingsAndSchema() {
        register.settings = readRequiredYAML(RegisterLayout.settingsFile, maxBytes: maxBytes,
            missing: "The register has no settings file `\(RegisterLayout.settingsFile)`.",
            fix: "Create it with the organisation's name, base URL, languages and departments (see README, \"The register format\").")
        if let limit = register.settings?.fields["max_file_size"] as Value?, let bytes = ByteSize.parse(limit), bytes > 0 {
            maxBytes = bytes
        }
        register.schema = readRequiredYAML(RegisterLayout.schemaFile, maxBytes: max(maxBytes, 4 << 20),
            missing: "The register has no entry schema `\(RegisterLayout.schemaFile)`.",
            fix: "Copy the default schema from a new register (`algoreg init`) into `\(displayRoot)/`.")
    }

    /// `about.md` and its translations `about.<lang>.md` at the top level.
    mutating func readAboutPages() {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        for name in names where name.hasPrefix(RegisterLayout.aboutPage + ".") && name.hasSuffix(".md") {
            let (document, problems) = RegisterLoader.parseDocument(at: root.appendingPathComponent(name), displayPath: display(name), maxBytes: maxBytes, yamlOnly: false, cache: cache)
            register.diagnostics += problems
            register.fileCount += 1
            let parts = name.dropLast(3).split(separator: ".")
            if let document {
                register.pages.append(EntryFile(id: RegisterLayout.aboutPage, language: parts.count == 2 ? String(parts[1]) : nil, document: document))
            }
        }
    }

    /// The action plan and the annual report narratives (both optional).
    mutating func readPlanAndReports() {
        let planURL = root.appendingPathComponent(RegisterLayout.planFile)
        if exists(planURL) {
            let (document, problems) = RegisterLoader.parseDocument(at: planURL, displayPath: display(RegisterLayout.planFile), maxBytes: maxBytes, yamlOnly: true, cache: cache)
            register.plan = document
            register.diagnostics += problems
            register.fileCount += 1
        }
        let reportsURL = root.appendingPathComponent(RegisterLayout.reportsFolder)
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: reportsURL.path)) ?? []).sorted() where !name.hasPrefix(".") {
            let displayPath = display("\(RegisterLayout.reportsFolder)/\(name)")
            guard name.hasSuffix(".md"), let match = name.dropLast(3).wholeMatch(of: RegisterLayout.reportName) else {
                register.diagnostics.append(Diagnostic(file: displayPath, location: nil, code: .badFileName,
                    message: "The file name `\(name)` is not a report year: report narratives are named `<year>.md`, e.g. `2026.md`, and their translations `<year>.<language>.md`.",
                    fix: "Rename it to the year it reports on, or move it out of `\(RegisterLayout.reportsFolder)/`."))
                continue
            }
            let (document, problems) = RegisterLoader.parseDocument(at: reportsURL.appendingPathComponent(name), displayPath: displayPath, maxBytes: maxBytes, yamlOnly: false, cache: cache)
            register.diagnostics += problems
            register.fileCount += 1
            if let document { register.reports.append(EntryFile(id: String(match.output.1), language: match.output.2.map(String.init), document: document)) }
        }
    }

    /// Every Markdown file under systems/, in a stable order, parsed on all cores.
    mutating func readSystems() {
        let (files, discoveryProblems) = RegisterLoader.discoverEntryFiles(
            in: root.appendingPathComponent(RegisterLayout.systemsFolder), registryRoot: root, displayPrefix: display(RegisterLayout.systemsFolder))
        register.diagnostics += discoveryProblems
        register.fileCount += files.count
        let limit = maxBytes
        let cache = cache
        // Each file's status is looked up from the open folder: a walk of one name, not the whole path.
        let folder = open(root.appendingPathComponent(RegisterLayout.systemsFolder).path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if folder >= 0 { close(folder) } }
        // Each file's entry is made where it is parsed: the loop after it only sorts them out.
        let parsed = files.parallelMap { file -> (entry: EntryFile?, diagnostics: [Diagnostic], unreadableID: String?) in
            let (document, diagnostics) = RegisterLoader.parseDocument(
                atPath: file.path, displayPath: file.displayPath, maxBytes: limit, yamlOnly: false, cache: cache,
                status: { folder >= 0 ? FileStatus.of(file.relative, in: folder) : FileStatus.of(file.path) })
            guard let document else { return (nil, diagnostics, file.language == nil ? file.id : nil) }
            return (EntryFile(id: file.id, language: file.language, document: document), diagnostics, nil)
        }
        register.entries.reserveCapacity(parsed.count)
        for result in parsed {
            if !result.diagnostics.isEmpty { register.diagnostics += result.diagnostics }
            if let unreadable = result.unreadableID { register.unreadableEntryIDs.insert(unreadable) }
            guard let entry = result.entry else { continue }
            if entry.language == nil { register.entries.append(entry) } else { register.translations.append(entry) }
        }
    }
}
