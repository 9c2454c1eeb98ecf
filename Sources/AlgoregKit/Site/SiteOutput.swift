import Foundation

/// Writes a build into a staging folder beside the output and moves it in only when every
/// file was written, so a failed build leaves the previous site as it was. A build into its
/// previous output stages only what it wrote; files whose key says they are unchanged stay
/// where they are, and the commit moves the staged files over the old ones and deletes the
/// files this build did not make. Replacing the whole tree instead cost more than the rest of
/// a one-file rebuild at 10,000 systems (linking 30,000 files in, unlinking the old tree).
struct SiteOutput {
    /// Marks an output folder as made by Algoreg, so we never replace someone else's folder.
    static let marker = ".algoreg-site"
    /// Files a repository may keep in its empty `Site/` folder; they survive a build.
    static let keptFiles = [".gitkeep", "README.md"]

    let output: URL
    let staging: URL
    let displayOutput: String
    /// Each system's id and the key of its pages in this build, in the register's order (by
    /// id), written into the marker at commit.
    let systemKeys = SystemKeys()
    /// List page file -> the key of its context (`PageContexts.key`), written there too.
    let listKeys = PageKeys()
    /// Every file of this build, staged or kept: the commit deletes the output's others.
    let madeFiles = MadeFiles()
    /// The previous build's parts of the files that list every system, and this build's.
    let parts: Parts
    /// The output folder as it was when the build began, for finding the previous build's
    /// files relative to it (30,000 look-ups at 10,000 systems, each walking the whole path).
    let previousFolder: OpenFolder
    /// The previous build's keys (`previousKeys`).
    private let previousMarker: Background<(pages: [String: PageKey], lists: [String: String])>
    let previousListings = Listings()
    /// Where the files this build streams are kept when a commit replaces them, to be written
    /// over by the next build (`SpareFiles`); nil without a part index.
    let spares: SpareFiles?

    final class OpenFolder: Sendable {
        /// -1 when there was no folder.
        let descriptor: Int32

        init(_ path: String) {
            descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// The files in folders of the previous output, listed once each when first asked about:
    /// `data/systems/` is one listing instead of a look-up for each of its 10,000 files.
    final class Listings: @unchecked Sendable {
        private let lock = NSLock()
        private var files: [Substring: Set<Substring>] = [:]

        /// Whether `relative` was a file of the previous output.
        func contains(_ relative: String, in root: Int32) -> Bool {
            // The last slash found by bytes: the UTF-8 view's `lastIndex` took 850 instructions a name.
            var relative = relative
            let slash = relative.withUTF8 { bytes in (0..<bytes.count).reversed().first { bytes[$0] == UInt8(ascii: "/") } }
            let slashIndex = slash.map { relative.utf8.index(relative.utf8.startIndex, offsetBy: $0) }
            let folder = slashIndex.map { relative[..<$0] } ?? ""
            let name = slashIndex.map { relative[relative.utf8.index(after: $0)...] } ?? relative[...]
            // Looked up outside the lock: both cores ask, 10,000 times each.
            let listed = lock.withLock {
                if let listed = files[folder] { return listed }
                let descriptor = folder.isEmpty ? dup(root) : openat(root, String(folder), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                defer { if descriptor >= 0 { close(descriptor) } }
                let listed = descriptor >= 0 ? Set((SiteOutput.entries(of: descriptor) ?? []).filter { !$0.isFolder }.map { Substring($0.name) }) : []
                files[folder] = listed
                return listed
            }
            return listed.contains(name)
        }
    }

    /// Collected from the threads that write system pages.
    final class PageKeys: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [String: PageKey] = [:]

        func record(_ id: String, _ key: PageKey) {
            lock.lock(); defer { lock.unlock() }
            keys[id] = key
        }

        var sorted: [(id: String, key: PageKey)] {
            lock.lock(); defer { lock.unlock() }
            return keys.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    /// Set once every system's pages are made: 10,000 records under a lock, and sorting them
    /// by id, cost more than the rest of the commit's bookkeeping.
    final class SystemKeys: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [(id: String, key: PageKey)] = []
        private var systemFolders: [SystemFolder] = []
        private var unvouched: [String] = []
        private var gone: [String] = []

        /// `folders`: where each system has an entry; `unvouched`: the systems whose page folders
        /// were not all kept by their folder (`keepPrevious(all:soleIn:unchangedBefore:)`);
        /// `gone`: the previous build's systems this build does not have.
        func set(_ keys: [(id: String, key: PageKey)], folders: [SystemFolder] = [], unvouched: [String] = [], gone: [String] = []) {
            lock.withLock {
                self.keys = keys
                systemFolders = folders
                self.unvouched = unvouched
                self.gone = gone
            }
        }

        var all: [(id: String, key: PageKey)] {
            lock.withLock { keys }
        }

        var folders: (folders: [SystemFolder], unvouched: [String], gone: [String]) {
            lock.withLock { (systemFolders, unvouched, gone) }
        }
    }

    /// A folder of the output that holds an entry for each system and nothing else: `<id>` and
    /// then `suffix`, a folder (a language's `systems/`) or a file (`data/systems/`).
    struct SystemFolder: Sendable {
        var path: String
        var suffix: String
        var holdsFolders: Bool
    }

    /// A system's pages' key (over its JSON), and the key of what they are made from when known.
    struct PageKey: Equatable, Sendable {
        var pages: String
        var source: String?
    }

    /// Relative paths, collected from every thread that writes.
    final class MadeFiles: @unchecked Sendable {
        private let lock = NSLock()
        /// Path -> whether it was kept in the output (else it is staged).
        private var paths: [String: Bool] = [:]

        func record(_ relative: String, kept: Bool = false) {
            lock.lock(); defer { lock.unlock() }
            paths[relative] = kept
        }

        func wasKept(_ relative: String) -> Bool {
            lock.lock(); defer { lock.unlock() }
            return paths[relative] == true
        }

        /// Files kept from the previous build, at once.
        func recordKept(files: [String]) {
            lock.lock(); defer { lock.unlock() }
            for file in files { paths[file] = true }
        }

        /// Every file recorded, for the prune to look up without the lock (nothing is recorded by then).
        func snapshot() -> Snapshot {
            lock.lock(); defer { lock.unlock() }
            return Snapshot(paths: paths)
        }

        struct Snapshot: Sendable {
            let paths: [String: Bool]
        }

    }

    /// The previous build's part index (read when the first file with parts is written) and the
    /// one this build saves after its commit. It lives in the register's cache folder, not in
    /// the output: it holds each file's inode and time, and the site must be the same bytes
    /// in every build. nil `file`: no parts are kept (without the parse cache there are no keys).
    final class Parts: @unchecked Sendable {
        let file: URL?
        private let lock = NSLock()
        /// The previous index, read and decoded on another thread from the start.
        private let reading: Background<PartIndex>?
        private var previous: PartIndex?
        private var made = PartIndex()
        private var reused = 0
        private var streamedFiles: Set<String> = []

        init(file: URL?) {
            self.file = file
            reading = file.map { file in Background { FileManager.default.contents(atPath: file.path).flatMap { PartIndex.decode([UInt8]($0)) } ?? PartIndex() } }
        }

        /// A file this build streams (`SiteOutput.stream`): the commit keeps the one it replaces
        /// as a spare.
        func recordStreamed(_ relative: String) {
            lock.withLock { _ = streamedFiles.insert(relative) }
        }

        var streamed: Set<String> {
            lock.withLock { streamedFiles }
        }

        /// The previous index, read once; the caller holds the lock.
        private func previousIndex() -> PartIndex {
            if let previous { return previous }
            let read = reading?.value ?? PartIndex()
            previous = read
            return read
        }

        func previousFile(_ relative: String) -> PartIndex.File? {
            lock.withLock { previousIndex().files[relative] }
        }

        /// This build's index, encoded on another thread while the commit moves and prunes.
        private var encoding: Background<[UInt8]>?

        /// Written through a staged file; a failure only means the next build copies nothing.
        func save() {
            guard let file else { return }
            ParseCache.replace(file, with: encoding?.value ?? lock.withLock { made.encoded() })
        }

        /// The previous build's card digests in `language`, by system part key.
        func previousCards(_ language: String) -> [PartKey: PartKey] {
            lock.withLock { previousIndex().cards[language] ?? [:] }
        }

        func recordCards(_ language: String, _ cards: [PartKey: PartKey]) {
            lock.withLock { made.cards[language] = cards }
        }

        /// When the previous build's commit began, if it is known.
        var previousCommitStarted: Int64 {
            lock.withLock { previousIndex().commitStarted }
        }

        /// Everything is recorded by then: the index is encoded from here on (`save`).
        func commitStarts() {
            let now = FileStatus.now()
            lock.withLock { made.commitStarted = now }
            // Encoded outside the lock: the commit asks for the streamed files meanwhile.
            if file != nil { encoding = Background { [self] in lock.withLock { made }.encoded() } }
        }

        func record(_ relative: String, _ file: PartIndex.File) {
            lock.withLock { made.files[relative] = file }
        }

        func countReused(_ count: Int) {
            lock.withLock { reused += count }
        }

        /// Parts this build copied from the previous one.
        var reusedCount: Int {
            lock.withLock { reused }
        }

    }

    static let pageKeyPrefix = "page "
    static let listKeyPrefix = "list "

    enum Failure: Error {
        case notOurs(Diagnostic)
        case io(Diagnostic)

        var diagnostic: Diagnostic {
            switch self {
            case .notOurs(let d), .io(let d): return d
            }
        }
    }

    /// `partIndex`: where the part index of this output is kept (`partIndexFile`), if anywhere.
    init(output path: String, partIndex: URL? = nil) {
        parts = Parts(file: partIndex)
        let output = URL(fileURLWithPath: path).standardizedFileURL
        self.output = output
        spares = partIndex.flatMap { SpareFiles(cache: $0.deletingLastPathComponent(), output: output) }
        previousFolder = OpenFolder(output.path)
        // Read while the register is read and checked (a line per system).
        let markerPath = output.appendingPathComponent(Self.marker).path
        previousMarker = Background { Self.readKeys(marker: markerPath) }
        displayOutput = path
        staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
    }

    /// The part index of builds of `registry` into `output`: in the register's cache folder,
    /// one per output folder.
    static func partIndexFile(registry: String, output: String) -> URL {
        let outputPath = URL(fileURLWithPath: output).standardizedFileURL.path
        return ParseCache.folder(forRegister: registry).appendingPathComponent("parts-\(String(XXH64.hash(outputPath), radix: 16)).bin")
    }

    /// Refuses a non-empty output folder that Algoreg did not create.
    func checkOwnership() throws(Failure) {
        let fileManager = FileManager.default
        var isFolder: ObjCBool = false
        guard fileManager.fileExists(atPath: output.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw .notOurs(Diagnostic(file: displayOutput, location: nil, code: .outputNotOurs,
                message: "The output `\(displayOutput)` is a file, not a folder.", fix: "Choose another `--output` folder."))
        }
        let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
        let foreign = contents.filter { !Self.keptFiles.contains($0) }
        if !foreign.isEmpty && !contents.contains(Self.marker) {
            throw .notOurs(Diagnostic(file: displayOutput, location: nil, code: .outputNotOurs,
                message: "The output folder `\(displayOutput)` already holds files that Algoreg did not write (\(foreign.sorted().prefix(3).joined(separator: ", "))\(foreign.count > 3 ? ", ..." : "")); it is not replaced.",
                fix: "Choose an empty or new folder with `--output`, or delete this folder's contents yourself if it really is an old build."))
        }
    }

    /// The keys the previous build recorded in its marker: each system's pages'
    /// (`page <id> <key> [<source key>]`) and each list page's (`list <file> <key>`).
    func previousKeys() -> (pages: [String: PageKey], lists: [String: String]) {
        previousMarker.value
    }

    private static func readKeys(marker path: String) -> (pages: [String: PageKey], lists: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([:], [:]) }
        var pages: [String: PageKey] = [:], lists: [String: String] = [:]
        // As bytes: the marker of 10,000 systems has 10,000 lines, and splitting it as text
        // (by characters) took longer than the rest of reading the previous build.
        // Scanned in place, each line's words found by hand: splitting into arrays of slices
        // and then of texts cost 9,000 instructions a line.
        let page = Array(Self.pageKeyPrefix.utf8), list = Array(Self.listKeyPrefix.utf8)
        data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            let bytes = all.bindMemory(to: UInt8.self)
            pages.reserveCapacity(bytes.count / 128)
            var lineStart = 0
            while lineStart < bytes.count {
                let newline = memchr(all.baseAddress! + lineStart, Int32(UInt8(ascii: "\n")), bytes.count - lineStart)
                let lineEnd = newline.map { UnsafeRawPointer($0) - all.baseAddress! } ?? bytes.count
                defer { lineStart = lineEnd + 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                let isPage = line.starts(with: page)
                guard isPage || line.starts(with: list) else { continue }
                // The words between spaces (none empty); more than four is not a key line.
                var words: [String] = []
                var wordStart = 0
                for position in 0...line.count where position == line.count || line[position] == UInt8(ascii: " ") {
                    if position > wordStart {
                        if words.count == 4 { words.append(""); break }
                        words.append(String(decoding: UnsafeBufferPointer(rebasing: line[wordStart..<position]), as: UTF8.self))
                    }
                    wordStart = position + 1
                }
                if isPage, words.count == 3 || words.count == 4 {
                    pages[words[1]] = PageKey(pages: words[2], source: words.count == 4 ? words[3] : nil)
                } else if !isPage, words.count == 3 {
                    lists[words[1]] = words[2]
                }
            }
        }
        return (pages, lists)
    }

    /// Keeps a file of the previous build where it is (the previous build is ours and its key
    /// says the file is what this build would write). False when it is gone: the caller then writes it.
    func keepPrevious(_ relative: String) -> Bool {
        guard isInPrevious(relative) else { return false }
        madeFiles.record(relative, kept: true)
        return true
    }

    /// Nanoseconds since 1970, a little before the previous build's commit began: a folder of
    /// the output last changed before then holds what that build left in it. The margin allows
    /// for file times coarser than the clock: 50 ms (a few clock ticks) where the output's
    /// marker has a time finer than a second, else 2 s (FAT keeps even seconds). A second, as
    /// it was, left every folder written in the last second before a commit to be read again.
    var unchangedBefore: Int64 {
        var info = stat()
        let fine = previousFolder.descriptor >= 0 && fstatat(previousFolder.descriptor, Self.marker, &info, 0) == 0 && info.st_mtim.tv_nsec != 0
        return parts.previousCommitStarted - (fine ? 50_000_000 : 2_000_000_000)
    }

    /// Keeps `files` of the previous build when every one of them is there; else keeps none (a
    /// system's pages and JSON). `soleIn`: for each file, the folder that holds only it (by the
    /// site's layout), if any; a file without one is looked for in its folder's listing. Such a
    /// folder that nobody changed since the previous build (`unchangedBefore`) still holds its
    /// file: one look at the folder, which the commit's prune then need not read, instead of
    /// one at the file and one at the folder. `.keptInUnchangedFolders` when every file with a
    /// folder of its own was vouched for by it.
    /// The prune knows a system's files by their system (`PrunePlan.holdsSystem`), so only the
    /// pages of a system with a folder that changed are recorded, for the prune that looks in.
    func keepPrevious(all files: [String], soleIn folders: [String?], unchangedBefore: Int64) -> KeptPrevious {
        var byFolders = true
        for (file, folder) in zip(files, folders) {
            if let folder, isUnchanged(folder: folder, before: unchangedBefore) {
                continue
            } else if folder == nil ? isListedInPrevious(file) : isInPrevious(file) {
                if folder != nil { byFolders = false }
            } else {
                return .none
            }
        }
        if byFolders { return .keptInUnchangedFolders }
        // The prune looks into every page folder of the system: each page is recorded. From both
        // cores for every one of 10,000 systems, under one lock, this cost more than the rest.
        madeFiles.recordKept(files: zip(files, folders).compactMap { $1 == nil ? nil : $0 })
        return .kept
    }

    enum KeptPrevious { case none, kept, keptInUnchangedFolders }

    private func isInPrevious(_ relative: String) -> Bool {
        guard previousFolder.descriptor >= 0 else { return false }
        // From the output's folder, like `isUnchanged(folder:before:)`.
        return faccessat(previousFolder.descriptor, relative, F_OK, 0) == 0
    }

    /// `isInPrevious` for a file of a folder with many (a system's JSON), from its folder's listing.
    private func isListedInPrevious(_ relative: String) -> Bool {
        previousFolder.descriptor >= 0 && previousListings.contains(relative, in: previousFolder.descriptor)
    }

    private func isUnchanged(folder relative: String, before limit: Int64) -> Bool {
        guard previousFolder.descriptor >= 0 else { return false }
        // From the output's folder: a table of opened parent folders, behind a lock both cores
        // went through 20,000 times, cost more than the kernel's walk of two more names.
        var info = stat()
        return fstatat(previousFolder.descriptor, relative, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            && FileStatus(info).modified < limit
    }

    /// A file this build has written, or kept from the previous build.
    func read(_ relative: String) throws(Failure) -> [UInt8] {
        // A system's file kept from the previous build has no record (`keepPrevious(all:soleIn:unchangedBefore:)`):
        // not in the staging folder, it is the output's.
        let staged = madeFiles.wasKept(relative) ? nil : FileManager.default.contents(atPath: staging.path + "/" + relative)
        guard let data = staged ?? FileManager.default.contents(atPath: output.path + "/" + relative) else {
            throw .io(Diagnostic(file: "\(displayOutput)/\(relative)", location: nil, code: .outputFailed,
                message: "A file this build wrote cannot be read back.", fix: "Check the disk space and permissions."))
        }
        return [UInt8](data)
    }

    func prepare() throws(Failure) {
        try? FileManager.default.removeItem(at: staging)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw .io(Diagnostic(file: displayOutput, location: nil, code: .outputFailed,
                message: "The build folder `\(staging.path)` cannot be created: \(error.localizedDescription).",
                fix: "Check that you may write next to `\(displayOutput)` and that the disk is not full."))
        }
    }

    /// Writes one file (path relative to the site root), creating its folders.
    func write(_ relative: String, _ contents: String) throws(Failure) {
        var contents = contents
        try contents.withUTF8 { bytes in Result { () throws(Failure) in try write(relative, bytes) } }.get()
    }

    /// `inNewFolder`: the file's folder is not there yet (a system's page), so it is made
    /// before the open instead of after a failed one: 20,000 fewer failed opens at 10,000 systems.
    func write(_ relative: String, _ bytes: [UInt8], inNewFolder: Bool = false) throws(Failure) {
        try bytes.withUnsafeBufferPointer { buffer in Result { () throws(Failure) in try write(relative, buffer, inNewFolder: inNewFolder) } }.get()
    }

    func write(_ relative: String, _ data: Data) throws(Failure) {
        try write(relative, [UInt8](data))
    }

    /// POSIX calls: a build writes tens of thousands of files, and Foundation's folder checks
    /// and `Data` copies cost more than the writing. Folders are made when the open says so.
    func write(_ relative: String, _ buffer: UnsafeBufferPointer<UInt8>, inNewFolder: Bool = false) throws(Failure) {
        let descriptor = try create(relative, inNewFolder: inNewFolder)
        defer { close(descriptor) }
        if let code = Self.writeAll(buffer, to: descriptor) { throw failure(relative, code) }
    }

    /// Writes one file in pieces as `body` makes them, so a large file is never held whole. The
    /// sink's parts (`ByteSink.part`) are copied from the previous build's file where unchanged.
    func stream(_ relative: String, _ body: (inout ByteSink) throws(Failure) -> Void) throws(Failure) {
        parts.recordStreamed(relative)
        let spare = reuseSpare(relative)
        let descriptor: Int32
        if let spare { descriptor = spare } else { descriptor = try create(relative) }
        defer { close(descriptor) }
        let previous = parts.previousFile(relative)
        let writer = FileWriter(descriptor: descriptor, previousPath: previous.map { _ in output.path + "/" + relative }, previousFile: previous)
        var sink = ByteSink { writer.write($0) }
        sink.writer = writer
        try body(&sink)
        sink.flush()
        writer.finish()
        if let code = writer.failedWith { throw failure(relative, code) }
        // A spare held an older file: what is past the new content goes.
        if spare != nil && ftruncate(descriptor, off_t(writer.position(buffered: 0))) != 0 { throw failure(relative, errno) }
        if !writer.parts.isEmpty, let identity = FileIdentity.of(descriptor: descriptor) {
            parts.record(relative, PartIndex.File(identity: identity, parts: writer.parts, gaps: writer.gaps))
        }
        parts.countReused(writer.reusedParts)
    }

    private func failure(_ relative: String, _ code: Int32) -> Failure {
        .io(Diagnostic(file: "\(displayOutput)/\(relative)", location: nil, code: .outputFailed,
            message: "The file cannot be written: \(String(cString: strerror(code))).", fix: "Check the disk space and permissions."))
    }

    /// The spare of `relative` moved into the staging folder and open for writing, if any.
    private func reuseSpare(_ relative: String) -> Int32? {
        guard let spares else { return nil }
        let path = staging.path + "/" + relative
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), Self.makeFolders(String(path[..<slash])) != nil { return nil }
        guard let descriptor = spares.reuse(relative, at: path) else { return nil }
        madeFiles.record(relative)
        return descriptor
    }

    /// Opens a file of the staging folder for writing, making its folders when they are missing.
    private func create(_ relative: String, inNewFolder: Bool = false) throws(Failure) -> Int32 {
        madeFiles.record(relative)
        let path = staging.path + "/" + relative
        if inNewFolder, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), let code = Self.makeFolders(String(path[..<slash])) {
            throw failure(relative, code)
        }
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            if let code = Self.makeFolders(String(path[..<slash])) { throw failure(relative, code) }
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw failure(relative, errno) }
        return descriptor
    }

    /// `mkdir -p`: the missing folders from the innermost existing one down. Returns the error
    /// number, or nil when the folder exists.
    private static func makeFolders(_ folder: String) -> Int32? {
        if mkdir(folder, 0o755) == 0 || errno == EEXIST { return nil }
        guard errno == ENOENT, let slash = folder.utf8.lastIndex(of: UInt8(ascii: "/")), slash != folder.utf8.startIndex else { return errno }
        if let code = makeFolders(String(folder[..<slash])) { return code }
        return mkdir(folder, 0o755) == 0 || errno == EEXIST ? nil : errno
    }

    /// The error number, or nil when every byte was written.
    static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> Int32? {
        var written = 0
        while written < buffer.count {
            let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += result
        }
        return nil
    }

    func copy(_ source: URL, to relative: String) throws(Failure) {
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw .io(Diagnostic(file: source.path, location: nil, code: .outputFailed, message: "The file cannot be read.", fix: nil))
        }
        try write(relative, data)
    }

    static let markerText = "This folder was written by `algoreg build`; the next build updates it and deletes the files it does not make.\n"

    /// Moves the staged files into the output. A first build renames the staging folder; a
    /// build into its previous output moves each staged file over the old one, deletes the
    /// files this build did not make, and writes the page keys last: until then the marker
    /// holds none, so a commit cut short makes the next build render every page again.
    func commit() throws(Failure) {
        var timer = PhaseTimer()
        parts.commitStarts()
        // As bytes: 10,000 lines made as strings and joined took longer than the moves.
        var keys: [UInt8] = []
        let systems = systemKeys.all
        keys.reserveCapacity(systems.count * 100)
        func line(_ prefix: String, _ name: String, _ key: PageKey) {
            keys.append(utf8: prefix)
            keys.append(utf8: name)
            keys.append(UInt8(ascii: " "))
            keys.append(utf8: key.pages)
            if let source = key.source {
                keys.append(UInt8(ascii: " "))
                keys.append(utf8: source)
            }
            keys.append(UInt8(ascii: "\n"))
        }
        for (id, key) in systems { line(Self.pageKeyPrefix, id, key) }
        for (file, key) in listKeys.sorted { line(Self.listKeyPrefix, file, key) }
        let text = Array(Self.markerText.utf8)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: output.path, isDirectory: &isFolder), isFolder.boolValue else {
            try write(Self.marker, text + keys)
            if rename(staging.path, output.path) != 0 { throw commitFailure(errno) }
            return
        }
        try replaceMarker(text)
        var replaced: [Int32] = []
        let streamed = parts.streamed
        let outputPrefix = output.path + "/"
        // A streamed file that a move replaces becomes its spare, linked before the move.
        let keptAsSpare: (String) -> Bool = { [spares] target in
            guard let spares, target.hasPrefix(outputPrefix) else { return false }
            let relative = String(target.dropFirst(outputPrefix.count))
            return streamed.contains(relative) && spares.keep(target, as: relative)
        }
        // Looked at before the moves, which may add systems' folders to them.
        let vouched = vouchedSystemFolders()
        timer.lap("  keys and marker")
        let moved = Self.moveTree(from: staging.path, into: output.path, holdingReplaced: &replaced, keptAsSpare: keptAsSpare)
        timer.lap("  moves")
        // Freeing the pages of the replaced files (390 MB of open data at 10,000 systems) is
        // the kernel's work at the last close: done on another core while the output is pruned.
        let released = Background { [replaced] in for descriptor in replaced { close(descriptor) } }
        defer { _ = released.value }
        if let code = moved { throw commitFailure(code) }
        // A walk of the whole output, not a list of the previous build's files: a file someone
        // put into the output goes too, as it did when the folder was replaced whole.
        let root = open(output.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { throw commitFailure(errno) }
        defer { close(root) }
        let (folders, unvouched, _) = systemKeys.folders
        // Needed only where a folder of systems is read (the others list no current system).
        let current = folders.contains { vouched[$0.path] == nil } ? Set(systems.lazy.map(\.id)) : []
        let plan = PrunePlan(made: madeFiles.snapshot(), vouched: vouched, systemFolders: Dictionary(folders.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first }),
                             systems: current, unvouched: Set(unvouched))
        if case .failed(let code) = prune(root, relative: "", plan: plan) { throw commitFailure(code) }
        timer.lap("  prune")
        try replaceMarker(text + keys)
        abandon()
        spares?.removeAll(except: streamed)
        timer.lap("  marker with keys")
    }

    /// Files at least this large that a move replaces are held open until the moves are done:
    /// freeing a small file's pages costs less than handing it to another thread.
    static let heldReplacedSize = 1 << 20

    private func commitFailure(_ code: Int32) -> Failure {
        .io(Diagnostic(file: displayOutput, location: nil, code: .outputFailed,
            message: "The new site could not be moved into `\(displayOutput)`: \(String(cString: strerror(code))).",
            fix: "Check the permissions of `\(displayOutput)` and of the folder that holds it, then build again: the next build rewrites every page."))
    }

    /// Writes the output's marker through a staged file, so it is never half written.
    private func replaceMarker(_ text: [UInt8]) throws(Failure) {
        try write(Self.marker, text)
        if rename(staging.path + "/" + Self.marker, output.path + "/" + Self.marker) != 0 { throw commitFailure(errno) }
    }

    /// Moves every file below `source` to the same place below `target`; a folder the target
    /// lacks is moved whole. Returns the error number of the first move that failed.
    /// `replaced`: a descriptor of each large file a move replaced (`heldReplacedSize`), for
    /// the caller to close.
    /// `keptAsSpare`: given a file about to be replaced, keeps it as a spare (then it is not held).
    private static func moveTree(from source: String, into target: String, holdingReplaced replaced: inout [Int32],
                                 keptAsSpare: (String) -> Bool) -> Int32? {
        guard let entries = entries(of: source) else { return errno }
        for (name, sourceIsFolder) in entries {
            let from = source + "/" + name, to = target + "/" + name
            var targetInfo = stat()
            let targetExists = lstat(to, &targetInfo) == 0
            let targetIsFolder = targetExists && (targetInfo.st_mode & S_IFMT) == S_IFDIR
            if sourceIsFolder && targetIsFolder {
                if let code = moveTree(from: from, into: to, holdingReplaced: &replaced, keptAsSpare: keptAsSpare) { return code }
                continue
            }
            // A folder where a file now goes, or the reverse: the old one goes first.
            if targetExists && sourceIsFolder != targetIsFolder {
                if targetIsFolder { try? FileManager.default.removeItem(atPath: to) } else { unlink(to) }
            }
            if targetExists && (targetInfo.st_mode & S_IFMT) == S_IFREG && !keptAsSpare(to) && targetInfo.st_size >= heldReplacedSize {
                let held = open(to, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                if held >= 0 { replaced.append(held) }
            }
            if rename(from, to) != 0 { return errno }
        }
        return nil
    }

    /// The names in the open folder (without `.` and `..`) and whether each is a folder, read
    /// whole before the caller moves or deletes any of them; nil when the folder cannot be read.
    static func entries(of folder: Int32) -> [(name: String, isFolder: Bool)]? {
        // The directory stream takes a descriptor of its own; the caller keeps `folder`.
        let own = dup(folder)
        guard own >= 0 else { return nil }
        guard let directory = fdopendir(own) else { close(own); return nil }
        defer { closedir(directory) }
        var found: [(name: String, isFolder: Bool)] = []
        while let entry = readdir(directory) {
            let name = directoryEntryName(entry)
            if name == "." || name == ".." { continue }
            var isFolder = entry.pointee.d_type == DT_DIR
            if entry.pointee.d_type == DT_UNKNOWN {
                // File systems that do not report the type: ask.
                var info = stat()
                isFolder = fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            found.append((name, isFolder))
        }
        return found
    }

    /// The entries of the folder at `path`, or nil with `errno` set.
    private static func entries(of path: String) -> [(name: String, isFolder: Bool)]? {
        let folder = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return nil }
        defer { close(folder) }
        return entries(of: folder)
    }

    enum Pruned { case empty, holdsFiles, failed(Int32) }

    /// What the prune knows without reading a folder: every file this build made or kept, and
    /// the system folders it need not list (`vouchedSystemFolders`).
    struct PrunePlan: Sendable {
        let made: MadeFiles.Snapshot
        let vouched: [String: VouchedFolder]
        /// The folders of systems' files by path, this build's systems, and those whose page
        /// folders were not all kept by their folder: a system's entry there holds only what
        /// this build made or kept for it (no record of it is kept in `made`), and is looked
        /// into only when it is a folder not kept by itself.
        let systemFolders: [String: SystemFolder]
        let systems: Set<String>
        let unvouched: Set<String>

        /// Whether `name` in `folder` is the entry of a system of this build that needs no look inside.
        func holdsSystem(_ name: String, in folder: String) -> Bool {
            guard let systemFolder = systemFolders[folder], name.hasSuffix(systemFolder.suffix) else { return false }
            let id = String(name.dropLast(systemFolder.suffix.count))
            return systems.contains(id) && !(systemFolder.holdsFolders && unvouched.contains(id))
        }
    }

    /// A system folder (`SystemFolder`) as the previous build's commit left it: the entries to
    /// look into (of systems gone since, and of systems whose pages were not all kept by their
    /// folder); every other entry is a system's this build kept.
    struct VouchedFolder: Sendable {
        var names: [String]
        var holdsFolders: Bool
        var holdsCurrent: Bool
    }

    /// The system folders nobody changed since the previous commit began (`unchangedBefore`):
    /// that commit's prune left each holding exactly the previous build's systems, named in its
    /// marker. At 10,000 systems reading three folders of 10,000 names was most of the prune.
    private func vouchedSystemFolders() -> [String: VouchedFolder] {
        let (folders, unvouched, gone) = systemKeys.folders
        // No keys: the previous commit was cut short (or there was none), and nothing is known.
        guard !previousKeys().pages.isEmpty, !folders.isEmpty, previousFolder.descriptor >= 0 else { return [:] }
        let limit = unchangedBefore
        let holdsCurrent = !systemKeys.all.isEmpty
        var vouched: [String: VouchedFolder] = [:]
        for folder in folders {
            var info = stat()
            guard fstatat(previousFolder.descriptor, folder.path, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                  FileStatus(info).modified < limit else { continue }
            // A system's file (its JSON) has nothing inside to look at; its folder may.
            let names = gone + (folder.holdsFolders ? unvouched : [])
            vouched[folder.path] = VouchedFolder(names: names.map { $0 + folder.suffix }, holdsFolders: folder.holdsFolders, holdsCurrent: holdsCurrent)
        }
        return vouched
    }

    /// Deletes the files below `folder` that this build did not make, and the folders that
    /// leaves empty; keeps the marker and the files a repository keeps in its `Site/`.
    /// A system's folder whose pages this build kept, unchanged since the previous build
    /// (`keepPrevious(all:soleIn:unchangedBefore:)`), is not read (20,000 system page folders
    /// at 10,000 systems), nor is a folder of systems nobody changed (`vouchedSystemFolders`).
    /// Every name is looked up relative to its open folder: at 10,000 systems the prune
    /// looks at 20,000 folders, and the kernel would otherwise walk each whole path again.
    private func prune(_ folder: Int32, relative: String, plan: PrunePlan) -> Pruned {
        let known = plan.vouched[relative]
        guard let names = known.map({ known in known.names.map { (name: $0, isFolder: known.holdsFolders) } }) ?? Self.entries(of: folder) else {
            return .failed(errno)
        }
        // Folders of a system each (10,000 in `systems/` at 10,000 systems) on all cores.
        let outcomes = names.count >= 256
            ? names.parallelMap { pruneEntry($0.name, isFolder: $0.isFolder, in: folder, relative: relative, plan: plan) }
            : names.map { pruneEntry($0.name, isFolder: $0.isFolder, in: folder, relative: relative, plan: plan) }
        var holdsFiles = known?.holdsCurrent ?? false
        for outcome in outcomes {
            switch outcome {
            case .failed: return outcome
            case .holdsFiles: holdsFiles = true
            case .empty: break
            }
        }
        return holdsFiles ? .holdsFiles : .empty
    }

    /// One entry of a folder being pruned: kept (`holdsFiles`), deleted (`empty`), or failed.
    private func pruneEntry(_ name: String, isFolder: Bool, in folder: Int32, relative: String, plan: PrunePlan) -> Pruned {
        let made = plan.made
        if relative.isEmpty && (name == Self.marker || Self.keptFiles.contains(name)) { return .holdsFiles }
        if plan.holdsSystem(name, in: relative) { return .holdsFiles }
        let child = relative.isEmpty ? name : relative + "/" + name
        if isFolder {
            let inner = openat(folder, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            // Gone already: nothing to delete.
            if inner < 0 && errno == ENOENT { return .empty }
            guard inner >= 0 else { return .failed(errno) }
            let pruned = prune(inner, relative: child, plan: plan)
            close(inner)
            switch pruned {
            case .failed: return pruned
            case .holdsFiles: return .holdsFiles
            case .empty: return unlinkat(folder, name, AT_REMOVEDIR) != 0 ? .holdsFiles : .empty
            }
        }
        if made.paths[child] != nil { return .holdsFiles }
        if unlinkat(folder, name, 0) != 0 && errno != ENOENT { return .failed(errno) }
        return .empty
    }

    func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }
}
