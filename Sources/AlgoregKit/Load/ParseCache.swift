import Foundation

/// What reading and checking each file gave the last time, kept between runs so that a file
/// whose bytes have not changed is neither parsed nor checked again. At 10,000 systems the YAML
/// and the schema checks were half of a rebuild after editing one file.
///
/// It holds every field, private ones too, so it lives beside the register, never in the
/// output: `.algoreg-cache/` in the register's parent folder, with a `.gitignore` of its own so
/// git leaves it out. Each part of a record is found by a key over its inputs (the file's bytes;
/// for the checks also the schema, the language and today's date).
///
/// The file is a log: a header naming the build of Algoreg that wrote it, then records, each
/// with its own checksum. A run appends the records it made; a later record for a path wins.
/// Once the log holds half again as much as the register needs, it is written anew (through a
/// rename). Another build of the program, a bad header or a damaged record (and all after it)
/// count as no cache. Nothing depends on it being there; failing to write it is silent.
public final class ParseCache: @unchecked Sendable {
    /// XXH64 over a file's bytes (or a check's inputs), seeded by what else decides the result,
    /// and the number of bytes.
    struct Key: Hashable, Sendable {
        var hash: UInt64
        var length: UInt64

        init(hash: UInt64, length: UInt64) {
            self.hash = hash
            self.length = length
        }

        init(_ bytes: UnsafeRawBufferPointer, context: String) {
            hash = XXH64.hash(bytes, seed: XXH64.hash(context, seed: 1))
            length = UInt64(bytes.count)
        }

        init(_ text: String, context: String) {
            var text = text
            self = text.withUTF8 { Key(UnsafeRawBufferPointer($0), context: context) }
        }
    }

    public static let folderName = ".algoreg-cache"
    static let fileName = "parse.bin"
    static let magic = Array("ALGOREG-PARSE-3\n".utf8)
    static var headerSize: Int { magic.count + 16 }

    let file: URL
    private let identity: Key
    /// The previous file, mapped (at 10,000 systems reading its 60 MB took 0.07 s of a rebuild);
    /// records point into it by range. A save appends to it or replaces it by a rename, never
    /// changing the mapped bytes.
    private let previousFile: MappedFile?
    private var previous: UnsafeRawBufferPointer { previousFile?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    /// Whether `previous` is a log this build of the program wrote (appending to it is safe).
    private let previousIsOurs: Bool
    private let previousRecords: [String: Record]
    /// Each file's status with the key of its bytes, from the previous run and for the next.
    private let previousStatuses: FileStatuses
    private var statuses = FileStatuses()
    /// Files taken as unchanged by their status that turned out to have changed.
    let sourceChanges = SourceChanges()
    private let lock = NSLock()
    /// Records this run made or changed; a previous record reused as it is is only marked.
    private var records: [String: Record] = [:]
    /// For each previous record (`Record.ordinal`), what this run did with it: each file's
    /// thread writes its own, without the lock (at 10,000 systems, both cores inserted every
    /// record and status into shared tables under one lock, and waited on each other there).
    private let marks: UnsafeMutableBufferPointer<Mark>
    /// How many files' parse and checks came from the previous run (what the tests look at).
    var reusedDocuments: Int { marks.reduce(0) { $0 + ($1.document == .none ? 0 : 1) } }
    var reusedChecks: Int { marks.reduce(0) { $0 + ($1.checks ? 1 : 0) } }

    struct Mark {
        enum Document: UInt8 { case none, reused, reusedWithStatus }
        var document = Document.none
        var checks = false
    }
    /// Bytes the log may hold beyond half again what this run needs before it is written anew.
    var growthAllowance = 1 << 20
    /// How long a file must have been left alone before it was read for its status to be kept
    /// (nanoseconds; `FileStatuses`).
    var settledAfter: Int64 = 1_000_000_000

    /// A payload: a range of the previous file, or bytes made in this run.
    enum Payload {
        case previous(Range<Int>)
        case fresh([UInt8])
    }

    struct Record {
        /// Its place among the previous file's records (`marks`); -1 for a record of this run.
        var ordinal = -1
        var parseKey: Key
        var parsed: Payload
        var checkKey: Key?
        var checks: Payload?
        /// The whole record in the previous file, while it is unchanged.
        var stored: Range<Int>?
    }

    /// The cache for the register at `registryPath`, or nil when this program cannot tell its own
    /// build apart from another (then a record could be stale without anyone knowing).
    public static func forRegister(_ registryPath: String) -> ParseCache? {
        ParseCache(folder: folder(forRegister: registryPath), displayRoot: registryPath)
    }

    static func folder(forRegister registryPath: String) -> URL {
        URL(fileURLWithPath: registryPath).standardizedFileURL.deletingLastPathComponent().appendingPathComponent(folderName)
    }

    /// Makes the cache folder, with a `.gitignore` that keeps all of it out of git.
    static func makeFolder(_ folder: URL) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ignore = folder.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) {
            try? Data("# Made by algoreg: what reading the register gave last time. Never commit it.\n*\n".utf8).write(to: ignore)
        }
    }

    /// `displayRoot`: the register's folder as the files' display paths start with it (`--registry`
    /// as given); a file is known in the tables by its path below it, so the same register named
    /// another way (`Registry`, `./Registry`, an absolute path) finds its records.
    init?(folder: URL, displayRoot: String? = nil) {
        guard let identity = Self.programIdentity() else { return nil }
        self.identity = identity
        displayRootPrefix = displayRoot.map { Array(RegisterLayout.displayRoot($0).utf8) + [UInt8(ascii: "/")] } ?? []
        file = folder.appendingPathComponent(Self.fileName)
        let statusFile = folder.appendingPathComponent(FileStatuses.fileName).path
        let statuses = Background { MappedFile(statusFile).flatMap { FileStatuses.decode($0.bytes) } ?? FileStatuses() }
        let mapped = MappedFile(file.path)
        if let mapped, let (records, validLength) = Self.index(mapped.bytes, identity: identity) {
            previousFile = mapped
            previousRecords = records
            // A damaged tail is not appended to: the next save writes the log anew.
            previousIsOurs = validLength == mapped.bytes.count
        } else {
            previousFile = nil
            previousRecords = [:]
            previousIsOurs = false
        }
        previousStatuses = statuses.value
        marks = .allocate(capacity: previousRecords.count)
        marks.initialize(repeating: Mark())
    }

    deinit {
        marks.deallocate()
    }

    /// The register's display root and a slash (`init(folder:displayRoot:)`); empty when not known.
    private let displayRootPrefix: [UInt8]

    /// A file's name in the tables: its display path below the register's display root.
    private func tableKey(_ displayPath: String) -> String {
        displayPath.removingPrefix(displayRootPrefix) ?? displayPath
    }

    static func programIdentity() -> Key? {
        ProgramIdentity.text.map { Key($0, context: String(decoding: magic, as: UTF8.self)) }
    }

    // MARK: Looking up and storing

    /// The document (or the problems) reading `displayPath` gave when its bytes were the same.
    func document(path displayPath: String, filePath: String, key: Key, bytes: UnsafeRawBufferPointer) -> (Document?, [Diagnostic])? {
        guard let record = previousRecords[tableKey(displayPath)], record.parseKey == key else { return nil }
        return reuse(record, path: displayPath, filePath: filePath, key: key, source: bytes)
    }

    /// The document the file at `displayPath` gave, without reading it, when its status is
    /// the one recorded with the key of the record there is for it (`FileStatuses`). Its body
    /// is read from the file when something reads it.
    func unchangedDocument(path displayPath: String, filePath: String, maxBytes: Int, status: () -> FileStatus?) -> (Document?, [Diagnostic])? {
        let path = tableKey(displayPath)
        guard let entry = previousStatuses.entries[path], let record = previousRecords[path], record.parseKey == entry.key,
              let status = status(), status == entry.status, status.size <= UInt64(maxBytes) else { return nil }
        let changes = sourceChanges
        return reuse(record, path: displayPath, filePath: filePath, key: entry.key, source: nil, keeping: entry) { offset in
            Deferred(making: { Self.body(of: filePath, displayPath: displayPath, key: entry.key, from: offset, changes: changes) })
        }
    }

    /// The previous run's record as this run's: its document, with the body cut from `source`
    /// or, without it, from the file when read (`bodyFromFile`); `status` kept for the next run.
    private func reuse(_ record: Record, path displayPath: String, filePath: String, key: Key, source: UnsafeRawBufferPointer?,
                       keeping status: FileStatuses.Entry? = nil, bodyFromFile: ((Int) -> Deferred<String>)? = nil) -> (Document?, [Diagnostic])? {
        guard case .previous(let range) = record.parsed, let previousFile else { return nil }
        var reader = CacheReader(UnsafeRawBufferPointer(rebasing: previous[range]), displayPath: displayPath)
        guard var decoded = reader.document(filePath: filePath, source: source, deferringFrom: (previousFile, range.lowerBound), bodyFromFile: bodyFromFile) else { return nil }
        decoded.0?.contentKey = key
        marks[record.ordinal].document = status == nil ? .reused : .reusedWithStatus
        return decoded
    }

    /// The body of a file taken as unchanged, from `offset`; empty, and the file noted in
    /// `changes`, when its bytes are not those of `key` any more.
    static func body(of filePath: String, displayPath: String, key: Key, from offset: Int, changes: SourceChanges) -> String {
        let (read, _, _) = SourceFile.readBytesAndStatus(filePath, displayPath: displayPath, maxBytes: Int.max)
        guard let bytes = read, offset <= bytes.count, bytes.withUnsafeBytes({ Key($0, context: "markdown") }) == key else {
            changes.note(displayPath)
            return ""
        }
        return String(decoding: bytes[offset...], as: UTF8.self)
    }

    /// Keeps the status a file had when it was read at `readAt` with the key of its bytes, if
    /// it had been left alone for a second by then.
    func note(path displayPath: String, status: FileStatus, key: Key, readAt: Int64) {
        guard status.isSettled(readAt: readAt, interval: settledAfter) else { return }
        let path = tableKey(displayPath)
        lock.withLock { statuses.entries[path] = FileStatuses.Entry(status: status, key: key) }
    }

    func store(path displayPath: String, key: Key, document: Document?, diagnostics: [Diagnostic], bodyOffset: Int?) {
        var writer = CacheWriter(displayPath: displayPath)
        writer.document(document, diagnostics: diagnostics, bodyOffset: bodyOffset)
        let path = tableKey(displayPath)
        lock.withLock { records[path] = Record(parseKey: key, parsed: .fresh(writer.bytes)) }
    }

    /// The problems checking the file gave when its bytes and `checkKey` were the same.
    func checks(path displayPath: String, parseKey: Key, checkKey: Key) -> [Diagnostic]? {
        guard let record = previousRecords[tableKey(displayPath)], record.parseKey == parseKey, record.checkKey == checkKey,
              case .previous(let range)? = record.checks else { return nil }
        var reader = CacheReader(UnsafeRawBufferPointer(rebasing: previous[range]), displayPath: displayPath)
        guard let decoded = reader.diagnostics() else { return nil }
        marks[record.ordinal].checks = true
        return decoded
    }

    func store(checks diagnostics: [Diagnostic], path displayPath: String, parseKey: Key, checkKey: Key) {
        var writer = CacheWriter(displayPath: displayPath)
        writer.diagnostics(diagnostics)
        let path = tableKey(displayPath)
        lock.withLock {
            // A previous record reused as it is gets its new checks as a record of this run.
            if records[path] == nil, let reused = previousRecords[path], marks[reused.ordinal].document != .none {
                records[path] = reused
            }
            guard records[path]?.parseKey == parseKey else { return }
            records[path]?.checkKey = checkKey
            records[path]?.checks = .fresh(writer.bytes)
            records[path]?.stored = nil
        }
    }

    // MARK: The file

    /// Appends the records this run made, or writes the log anew when it is not ours or has
    /// grown to half again what this run's files need.
    func save() {
        saveStatuses()
        let made = lock.withLock { self.records }
        let changed = made.filter { $0.value.stored == nil }
        let reused = previousRecords.filter { marks[$0.value.ordinal].document != .none && made[$0.key] == nil }
        let live = [made, reused].reduce(0) { sum, records in records.values.reduce(sum) { $0 + ($1.stored?.count ?? 4096) } }
        let folder = file.deletingLastPathComponent()
        if previousIsOurs && previous.count <= Self.headerSize + live + live / 2 + growthAllowance {
            guard !changed.isEmpty else { return }
            var bytes: [UInt8] = []
            for path in changed.keys.sorted() { appendRecord(path, changed[path]!, to: &bytes) }
            let descriptor = open(file.path, O_WRONLY | O_APPEND)
            guard descriptor >= 0 else { return }
            defer { close(descriptor) }
            writeAll(bytes, to: descriptor)
            return
        }
        let records = made.merging(reused) { made, _ in made }
        guard !records.isEmpty else { return }
        Self.makeFolder(folder)
        let staging = folder.appendingPathComponent(".\(Self.fileName).\(getpid())")
        let descriptor = open(staging.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return }
        var bytes = Self.magic
        CacheWriter.appendKey(identity, to: &bytes)
        for path in records.keys.sorted() {
            appendRecord(path, records[path]!, to: &bytes)
            if bytes.count >= 1 << 20 {
                writeAll(bytes, to: descriptor)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        let written = writeAll(bytes, to: descriptor)
        close(descriptor)
        if !written || rename(staging.path, file.path) != 0 { unlink(staging.path) }
    }

    /// Writes the files' statuses anew when they are not the previous run's: those noted in
    /// this run, and the previous ones of the files taken as unchanged by them.
    private func saveStatuses() {
        let noted = lock.withLock { self.statuses }
        guard let statuses = Self.statusesToSave(noted: noted, previous: previousStatuses, records: previousRecords, marks: marks) else { return }
        Self.replace(file.deletingLastPathComponent().appendingPathComponent(FileStatuses.fileName), with: statuses.encoded())
    }

    /// The statuses `noted` in this run, and the previous ones of the files taken as unchanged
    /// by them (a previous entry wins); nil when that is `previous` itself. Worked out from
    /// `previous`, dropping what is not kept: after editing one file of 12,000, making the
    /// table anew and comparing it with the previous one hashed every path three times.
    static func statusesToSave(noted: FileStatuses, previous: FileStatuses, records: [String: Record],
                               marks: UnsafeMutableBufferPointer<Mark>) -> FileStatuses? {
        var statuses = previous
        var kept = 0
        var touched: [String] = []
        for (path, record) in records {
            // Taken as unchanged by its status, so that status is among the previous ones.
            if marks[record.ordinal].document == .reusedWithStatus {
                kept += 1
            } else if statuses.entries.removeValue(forKey: path) != nil {
                touched.append(path)
            }
        }
        // A previous entry without a record of its own is dropped too: then the table is made anew.
        guard statuses.entries.count == kept else {
            var made = noted
            for (path, record) in records where marks[record.ordinal].document == .reusedWithStatus {
                made.entries[path] = previous.entries[path]
            }
            return made == previous ? nil : made
        }
        for (path, entry) in noted.entries where statuses.entries[path] == nil {
            statuses.entries[path] = entry
            touched.append(path)
        }
        // Only the touched paths can differ from the previous table.
        return touched.contains { statuses.entries[$0] != previous.entries[$0] } ? statuses : nil
    }

    /// Writes a small file of the cache folder whole, through a staged file and a rename, readable
    /// only by its owner; a failure only means the next run finds nothing to reuse.
    static func replace(_ file: URL, with bytes: [UInt8]) {
        makeFolder(file.deletingLastPathComponent())
        let staging = file.path + ".\(getpid())"
        let descriptor = open(staging, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let written = bytes.withUnsafeBufferPointer { SiteOutput.writeAll($0, to: descriptor) } == nil
        close(descriptor)
        if !written || rename(staging, file.path) != 0 { unlink(staging) }
    }

    /// One record: its length, its checksum, then the path, the parse and the checks.
    private func appendRecord(_ path: String, _ record: Record, to bytes: inout [UInt8]) {
        if let stored = record.stored {
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: previous[stored]))
            return
        }
        var content: [UInt8] = []
        CacheWriter.appendString(path, to: &content)
        CacheWriter.appendKey(record.parseKey, to: &content)
        append(record.parsed, to: &content)
        if let checkKey = record.checkKey, let checks = record.checks {
            content.append(1)
            CacheWriter.appendKey(checkKey, to: &content)
            append(checks, to: &content)
        } else {
            content.append(0)
        }
        CacheWriter.appendCount(content.count, to: &bytes)
        let checksum = content.withUnsafeBytes { XXH64.hash($0, seed: 0) }
        withUnsafeBytes(of: checksum.littleEndian) { bytes.append(contentsOf: $0) }
        bytes += content
    }

    private func append(_ payload: Payload, to body: inout [UInt8]) {
        switch payload {
        case .previous(let range):
            CacheWriter.appendCount(range.count, to: &body)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: previous[range]))
        case .fresh(let bytes):
            CacheWriter.appendCount(bytes.count, to: &body)
            body += bytes
        }
    }

    @discardableResult
    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }

    /// The records of a log this program wrote (the last one for each path) and how far the
    /// log is whole, or nil when it is not such a log.
    static func index(_ all: UnsafeRawBufferPointer, identity: Key) -> ([String: Record], Int)? {
        guard all.count >= headerSize, all.starts(with: magic) else { return nil }
        var header = CacheReader(UnsafeRawBufferPointer(rebasing: all[magic.count..<headerSize]), displayPath: "")
        guard header.key() == identity else { return nil }
        // The frames first (a length and a checksum each), then each record checked and read
        // on all cores: at 10,000 systems that is 60 MB to hash before the register is read.
        var frames: [(offset: Int, start: Int, length: Int, checksum: UInt64)] = []
        var offset = headerSize
        while offset < all.count {
            var frame = CacheReader(UnsafeRawBufferPointer(rebasing: all[offset...]), displayPath: "")
            guard let length = frame.count(), let checksum = frame.word(), length <= all.count - offset - frame.position else { break }
            frames.append((offset, offset + frame.position, length, checksum))
            offset += frame.position + length
        }
        let base = UncheckedBytes(all)
        let read = frames.parallelMap { frame in Self.record(in: base.bytes, frame.offset, frame.start, frame.length, checksum: frame.checksum) }
        var records: [String: Record] = [:]
        records.reserveCapacity(read.count)
        var end = headerSize
        // A damaged record and everything after it are not used.
        for (frame, indexed) in zip(frames, read) {
            guard let (path, found) = indexed else { break }
            var record = found
            // One look-up for a path met the first time (all but a path appended again): a later
            // record for a path keeps the earlier one's place.
            record.ordinal = records.count
            if let earlier = records.updateValue(record, forKey: path) { records[path]?.ordinal = earlier.ordinal }
            end = frame.start + frame.length
        }
        return (records, end)
    }

    /// The record in `all[start..<start + length]` (framed from `offset`), if its checksum holds.
    private static func record(in all: UnsafeRawBufferPointer, _ offset: Int, _ start: Int, _ length: Int, checksum: UInt64) -> (String, Record)? {
        let content = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
        guard XXH64.hash(content, seed: 0) == checksum else { return nil }
        var reader = CacheReader(content, displayPath: "")
        guard let path = reader.string(), let parseKey = reader.key(), let parsed = reader.skipPayload(),
              let hasChecks = reader.byte() else { return nil }
        var record = Record(parseKey: parseKey, parsed: .previous(parsed.shifted(by: start)), stored: offset..<(start + length))
        if hasChecks == 1 {
            guard let checkKey = reader.key(), let checks = reader.skipPayload() else { return nil }
            record.checkKey = checkKey
            record.checks = .previous(checks.shifted(by: start))
        }
        return (path, record)
    }
}

/// Mapped bytes handed to the threads that read them; they stay mapped meanwhile.
private struct UncheckedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
}

private extension Range<Int> {
    func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

/// A range of a mapped file, kept mapped while anything holds this.
struct StoredBytes: @unchecked Sendable {
    let file: MappedFile
    let range: Range<Int>

    func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        withExtendedLifetime(file) { body(UnsafeRawBufferPointer(rebasing: file.bytes[range])) }
    }
}

/// Encodes documents and diagnostics for the cache: tags, LEB128 counts, UTF-8 strings.
struct CacheWriter {
    var bytes: [UInt8] = []
    /// Diagnostics about the file itself do not repeat its path.
    let displayPath: String

    init(displayPath: String) { self.displayPath = displayPath }

    static func appendCount(_ value: Int, to bytes: inout [UInt8]) {
        var rest = UInt64(bitPattern: Int64(value))
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        appendCount(text.utf8.count, to: &bytes)
        bytes.append(utf8: text)
    }

    /// Ends a whole-file encoding with an XXH64 of everything before it (`CacheReader.sealed`).
    static func seal(_ bytes: inout [UInt8]) {
        let checksum = bytes.withUnsafeBytes { XXH64.hash($0, seed: 0) }
        withUnsafeBytes(of: checksum.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func appendKey(_ key: ParseCache.Key, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: key.hash.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: key.length.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func count(_ value: Int) { Self.appendCount(value, to: &bytes) }
    mutating func string(_ text: String) { Self.appendString(text, to: &bytes) }

    mutating func location(_ location: SourceLocation) {
        count(location.line)
        count(location.column)
    }

    /// `bodyOffset`: where the body starts in the file's bytes, when they are its text as read
    /// (no byte-order mark, no carriage returns); the body is then not stored but cut from them.
    mutating func document(_ document: Document?, diagnostics: [Diagnostic], bodyOffset: Int?) {
        self.diagnostics(diagnostics)
        guard let document else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        fields(document.fields)
        location(document.fieldsLocation)
        count(document.bodyLine)
        if let bodyOffset {
            bytes.append(0)
            count(bodyOffset)
        } else {
            bytes.append(1)
            string(document.body)
        }
    }

    mutating func diagnostics(_ diagnostics: [Diagnostic]) {
        count(diagnostics.count)
        for diagnostic in diagnostics {
            if diagnostic.file == displayPath {
                bytes.append(0)
            } else {
                bytes.append(1)
                string(diagnostic.file)
            }
            if let location = diagnostic.location {
                bytes.append(1)
                self.location(location)
            } else {
                bytes.append(0)
            }
            bytes.append(diagnostic.severity == .error ? 0 : 1)
            string(diagnostic.code.rawValue)
            string(diagnostic.message)
            if let fix = diagnostic.fix {
                bytes.append(1)
                string(fix)
            } else {
                bytes.append(0)
            }
        }
    }

    mutating func object(_ object: Object) {
        count(object.count)
        for (position, member) in object.members.enumerated() {
            string(member.key)
            withUnsafeBytes(of: object.keyHash(at: position).littleEndian) { bytes.append(contentsOf: $0) }
            location(member.keyLocation)
            value(member.value)
        }
    }

    /// An entry's fields: first those `LazyFields` holds at once (`summaryKeys`), as an object,
    /// then all of them as an object after its length, so that a reader wanting the summary
    /// passes over the rest in one step.
    mutating func fields(_ object: Object) {
        let summary = object.members.indices.filter { LazyFields.isSummaryKey(hash: object.keyHash(at: $0), name: object.members[$0].key) }
        count(summary.count)
        for position in summary {
            let member = object.members[position]
            string(member.key)
            withUnsafeBytes(of: object.keyHash(at: position).littleEndian) { bytes.append(contentsOf: $0) }
            location(member.keyLocation)
            value(member.value)
        }
        var all = CacheWriter(displayPath: displayPath)
        all.object(object)
        count(all.bytes.count)
        bytes.append(contentsOf: all.bytes)
    }

    mutating func value(_ value: Value) {
        switch value.kind {
        case .null: bytes.append(0)
        case .bool(let flag): bytes.append(flag ? 2 : 1)
        case .integer(let number):
            bytes.append(3)
            withUnsafeBytes(of: Int64(number).littleEndian) { bytes.append(contentsOf: $0) }
        case .number(let number):
            bytes.append(4)
            withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .string(let text):
            bytes.append(5)
            string(text)
        case .array(let items):
            bytes.append(6)
            count(items.count)
            for item in items { self.value(item) }
        case .object(let object):
            bytes.append(7)
            self.object(object)
        }
        location(value.location)
    }
}

/// Reads what `CacheWriter` wrote; every read is checked, and anything out of place gives nil.
struct CacheReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    let displayPath: String

    init(_ bytes: UnsafeRawBufferPointer, displayPath: String) {
        self.bytes = bytes
        self.displayPath = displayPath
    }

    /// What follows `magic` in a file `CacheWriter.seal` ended, when it starts with `magic` and
    /// its checksum holds; nil for anything else.
    static func sealed(_ bytes: UnsafeRawBufferPointer, magic: [UInt8]) -> UnsafeRawBufferPointer? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)])
        guard XXH64.hash(body, seed: 0) == UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)) else { return nil }
        return UnsafeRawBufferPointer(rebasing: body[magic.count...])
    }

    var isAtEnd: Bool { offset >= bytes.count }
    var position: Int { offset }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func word() -> UInt64? {
        guard offset + 8 <= bytes.count else { return nil }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func key() -> ParseCache.Key? {
        guard let hash = word(), let length = word() else { return nil }
        return ParseCache.Key(hash: hash, length: length)
    }

    mutating func count() -> Int? {
        // Most counts (lengths, lines, columns) are below 128: one byte.
        if offset < bytes.count, bytes[offset] < 0x80 {
            defer { offset += 1 }
            return Int(bytes[offset])
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = byte() {
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value <= UInt64(Int.max) ? Int(value) : nil }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// A count that cannot be more than the bytes left (each item takes at least one).
    mutating func boundedCount() -> Int? {
        guard let value = count(), value <= bytes.count - offset else { return nil }
        return value
    }

    mutating func string() -> String? {
        guard let length = boundedCount() else { return nil }
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
    }

    /// Skips a length-prefixed payload, returning its range.
    mutating func skipPayload() -> Range<Int>? {
        guard let length = boundedCount() else { return nil }
        defer { offset += length }
        return offset..<(offset + length)
    }

    mutating func location() -> SourceLocation? {
        guard let line = count(), let column = count() else { return nil }
        return SourceLocation(line: line, column: column)
    }

    /// `deferringFrom`: the mapped file these bytes are part of and where they start in it;
    /// the fields are then decoded as far as `LazyFields` needs, the rest when first read.
    /// `source`: the file's bytes; nil when they were not read (the file's status vouched for
    /// it), and then `bodyFromFile` gives the body, cut from the file at an offset, when read.
    mutating func document(filePath: String, source: UnsafeRawBufferPointer?, deferringFrom mapped: (file: MappedFile, offset: Int)? = nil,
                           bodyFromFile: ((Int) -> Deferred<String>)? = nil) -> (Document?, [Diagnostic])? {
        guard let diagnostics = diagnostics(), let hasDocument = byte() else { return nil }
        guard hasDocument == 1 else { return hasDocument == 0 ? (nil, diagnostics) : nil }
        guard let (summary, all) = self.fields() else { return nil }
        let fields: LazyFields
        if let mapped {
            let stored = StoredBytes(file: mapped.file, range: (mapped.offset + all.lowerBound)..<(mapped.offset + all.upperBound))
            let path = displayPath
            fields = LazyFields(summary: summary) {
                // The record's checksum was checked when the cache was opened: this cannot fail.
                stored.withBytes { bytes in
                    var reader = CacheReader(bytes, displayPath: path)
                    return reader.object() ?? summary
                }
            }
        } else {
            var reader = CacheReader(UnsafeRawBufferPointer(rebasing: bytes[all]), displayPath: displayPath)
            guard let object = reader.object() else { return nil }
            fields = LazyFields(object)
        }
        guard let fieldsLocation = location(), let bodyLine = count(), let bodyKind = byte() else { return nil }
        let body: Deferred<String>
        if bodyKind == 0 {
            guard let start = count() else { return nil }
            if let source {
                guard start <= source.count else { return nil }
                body = Deferred(String(decoding: UnsafeRawBufferPointer(rebasing: source[start...]), as: UTF8.self))
            } else {
                guard let bodyFromFile else { return nil }
                body = bodyFromFile(start)
            }
        } else {
            guard let text = string() else { return nil }
            body = Deferred(text)
        }
        let file = SourceFile(displayPath: displayPath, path: filePath, text: "")
        return (Document(file: file, fields: fields, fieldsLocation: fieldsLocation, body: body, bodyLine: bodyLine), diagnostics)
    }

    mutating func diagnostics() -> [Diagnostic]? {
        guard let count = boundedCount() else { return nil }
        var diagnostics: [Diagnostic] = []
        diagnostics.reserveCapacity(count)
        for _ in 0..<count {
            guard let fileKind = byte() else { return nil }
            var file = displayPath
            if fileKind == 1 {
                guard let text = string() else { return nil }
                file = text
            }
            guard let hasLocation = byte() else { return nil }
            var location: SourceLocation?
            if hasLocation == 1 {
                guard let at = self.location() else { return nil }
                location = at
            }
            guard let severity = byte(), let code = string().flatMap(DiagnosticCode.init(rawValue:)), let message = string(),
                  let hasFix = byte() else { return nil }
            var fix: String?
            if hasFix == 1 {
                guard let text = string() else { return nil }
                fix = text
            }
            diagnostics.append(Diagnostic(file: file, location: location, severity: severity == 0 ? .error : .warning,
                                          code: code, message: message, fix: fix))
        }
        return diagnostics
    }

    mutating func object() -> Object? {
        object { key, _ in String(decoding: key, as: UTF8.self) }
    }

    /// What `CacheWriter.fields` wrote: the summary, and where all the fields are (an object).
    mutating func fields() -> (summary: Object, all: Range<Int>)? {
        // The summary's keys are `LazyFields`' own strings, not made again for each entry.
        guard let summary = object(naming: { key, hash in LazyFields.summaryKey(hash: hash, bytes: key) ?? String(decoding: key, as: UTF8.self) }),
              let all = skipPayload() else { return nil }
        return (summary, all)
    }

    /// An object whose keys are made by `naming` from their bytes and hash.
    private mutating func object(naming: (UnsafeRawBufferPointer, UInt64) -> String) -> Object? {
        guard let count = boundedCount() else { return nil }
        var members: [Member] = []
        var hashes: [UInt64] = []
        members.reserveCapacity(count)
        hashes.reserveCapacity(count)
        for _ in 0..<count {
            guard let key = skipPayload(), let hash = word(), let keyLocation = location(), let value = value() else { return nil }
            members.append(Member(key: naming(UnsafeRawBufferPointer(rebasing: bytes[key]), hash), keyLocation: keyLocation, value: value))
            hashes.append(hash)
        }
        return Object(uniqueMembers: members, index: KeyIndex(hashes: hashes))
    }

    mutating func value() -> Value? {
        guard let tag = byte() else { return nil }
        let kind: Value.Kind
        switch tag {
        case 0: kind = .null
        case 1: kind = .bool(false)
        case 2: kind = .bool(true)
        case 3:
            guard let bits = word() else { return nil }
            kind = .integer(Int(Int64(bitPattern: bits)))
        case 4:
            guard let bits = word() else { return nil }
            kind = .number(Double(bitPattern: bits))
        case 5:
            guard let text = string() else { return nil }
            kind = .string(text)
        case 6:
            guard let count = boundedCount() else { return nil }
            var items: [Value] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                guard let item = value() else { return nil }
                items.append(item)
            }
            kind = .array(items)
        case 7:
            guard let object = object() else { return nil }
            kind = .object(object)
        default:
            return nil
        }
        guard let location = location() else { return nil }
        return Value(kind, at: location)
    }
}
