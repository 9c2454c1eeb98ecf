import CFileCopy
import Foundation

// The files that list every system (`register.json`, `register.csv`, the exports) are made of
// one part per system between a header and a footer. A rebuild after one edit would make all
// of them again for one changed part: at 10,000 systems that was 390 MB and a third of the
// rebuild. Instead each part is keyed by what it is made from (the system's files and history
// in the build's fingerprint), the previous build's parts are found in its copy of the file
// through `PartIndex`, and an unchanged part is copied from there by the kernel, runs of them
// in one call. The new file is still written whole into the staging folder and moved in at
// the commit, so a failed build leaves the previous file as it was.

/// 128 bits naming what one part is made from.
struct PartKey: Hashable, Sendable {
    var first: UInt64
    var second: UInt64
}

extension PartKey {
    /// Two hashes with seeds taken from `context`: a key for `text` in that context (a
    /// system's sources or JSON in the build's fingerprint), without joining the two strings.
    init(_ text: String, context: String) {
        first = XXH64.hash(text, seed: XXH64.hash(context, seed: 1))
        second = XXH64.hash(text, seed: XXH64.hash(context, seed: 2))
    }

    /// 32 hex digits, as in the marker's lines.
    var hex: String { XXH64.hex([first, second]) }
}

/// Where each part lies in each file of a build, with each file's identity when it was
/// written: a file changed since (by hand, or by a commit cut short) is not reused from.
struct PartIndex: Sendable {
    struct Part: Equatable, Sendable {
        var key: PartKey
        var offset: Int
        var length: Int
        /// The bytes between the part before it and this one, as a position in `File.gaps`;
        /// nil when not known (a long gap, or the first part).
        var gap: Int? = nil
    }

    struct File: Equatable, Sendable {
        /// `FileIdentity.text` of the file once written.
        var identity: String
        var parts: [Part]
        /// Each different gap between parts, once (a file has one or two: `,\n` in a list).
        var gaps: [[UInt8]] = []
    }

    static let magic = Array("ALGOREG-PARTS-4\n".utf8)

    var files: [String: File] = [:]
    /// When the commit of the build that wrote this index began (nanoseconds since 1970; 0:
    /// unknown). A folder of the output not changed since was not changed by anyone since
    /// that commit pruned it (`SiteOutput.prune`).
    var commitStarted: Int64 = 0
    /// Language -> system part key -> the digest of the system's card (`TemplateDigest`): a
    /// system whose part key is the same has the same card.
    var cards: [String: [PartKey: PartKey]] = [:]

    /// The magic, the commit's start, each file (path, identity, gaps, parts as key and LEB128
    /// offset, length and gap + 1, 0 for none), each language's card digests, then an XXH64 of
    /// everything before it.
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        // Room for it all at once: grown by doubling, the 3 MB of 10,000 systems' parts were
        // copied a dozen times into fresh memory.
        bytes.reserveCapacity(4096 + files.values.reduce(0) { $0 + 48 * $1.parts.count } + cards.values.reduce(0) { $0 + 32 * $1.count })
        withUnsafeBytes(of: UInt64(bitPattern: commitStarted).littleEndian) { bytes.append(contentsOf: $0) }
        CacheWriter.appendCount(files.count, to: &bytes)
        for path in files.keys.sorted() {
            let file = files[path]!
            CacheWriter.appendString(path, to: &bytes)
            CacheWriter.appendString(file.identity, to: &bytes)
            CacheWriter.appendCount(file.gaps.count, to: &bytes)
            for gap in file.gaps {
                CacheWriter.appendCount(gap.count, to: &bytes)
                bytes.append(contentsOf: gap)
            }
            CacheWriter.appendCount(file.parts.count, to: &bytes)
            for part in file.parts {
                withUnsafeBytes(of: part.key.first.littleEndian) { bytes.append(contentsOf: $0) }
                withUnsafeBytes(of: part.key.second.littleEndian) { bytes.append(contentsOf: $0) }
                CacheWriter.appendCount(part.offset, to: &bytes)
                CacheWriter.appendCount(part.length, to: &bytes)
                CacheWriter.appendCount(part.gap.map { $0 + 1 } ?? 0, to: &bytes)
            }
        }
        CacheWriter.appendCount(cards.count, to: &bytes)
        for language in cards.keys.sorted() {
            CacheWriter.appendString(language, to: &bytes)
            CacheWriter.appendCount(cards[language]!.count, to: &bytes)
            for (system, card) in cards[language]! {
                for word in [system.first, system.second, card.first, card.second] {
                    withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
                }
            }
        }
        CacheWriter.seal(&bytes)
        return bytes
    }

    /// nil for anything but an intact index.
    static func decode(_ bytes: [UInt8]) -> PartIndex? {
        bytes.withUnsafeBytes { raw -> PartIndex? in
            guard let body = CacheReader.sealed(raw, magic: magic) else { return nil }
            var reader = CacheReader(body, displayPath: "")
            var index = PartIndex()
            guard let started = reader.word(), let fileCount = reader.boundedCount() else { return nil }
            index.commitStarted = Int64(bitPattern: started)
            for _ in 0..<fileCount {
                guard let path = reader.string(), let identity = reader.string(), let gapCount = reader.boundedCount() else { return nil }
                var gaps: [[UInt8]] = []
                for _ in 0..<gapCount {
                    guard let gap = reader.skipPayload() else { return nil }
                    gaps.append(Array(body[gap]))
                }
                guard let partCount = reader.boundedCount() else { return nil }
                var parts: [Part] = []
                parts.reserveCapacity(partCount)
                for _ in 0..<partCount {
                    guard let first = reader.word(), let second = reader.word(), let offset = reader.count(), let length = reader.count(),
                          let gap = reader.count(), gap <= gaps.count else { return nil }
                    parts.append(Part(key: PartKey(first: first, second: second), offset: offset, length: length, gap: gap == 0 ? nil : gap - 1))
                }
                index.files[path] = File(identity: identity, parts: parts, gaps: gaps)
            }
            guard let languageCount = reader.boundedCount() else { return nil }
            for _ in 0..<languageCount {
                guard let language = reader.string(), let count = reader.boundedCount() else { return nil }
                var digests: [PartKey: PartKey] = [:]
                digests.reserveCapacity(count)
                for _ in 0..<count {
                    guard let a = reader.word(), let b = reader.word(), let c = reader.word(), let d = reader.word() else { return nil }
                    digests[PartKey(first: a, second: b)] = PartKey(first: c, second: d)
                }
                index.cards[language] = digests
            }
            return reader.isAtEnd ? index : nil
        }
    }
}

/// Writes one file of the staging folder: the bytes a `ByteSink` drains into it, and the
/// previous build's unchanged parts copied from its copy of the file.
final class FileWriter {
    let descriptor: Int32
    /// The first error number a write or copy met; the file is then not used.
    private(set) var failedWith: Int32?
    /// Where each part of this file lies, for the next build.
    private(set) var parts: [PartIndex.Part] = []
    /// The gaps between this file's parts (`PartIndex.File.gaps`) and where each is in it.
    private(set) var gaps: [[UInt8]] = []
    private var gapPositions: [[UInt8]: Int] = [:]
    /// Where the last part ended.
    private var lastPartEnd: Int?
    /// How many parts came from the previous file (what the tests look at).
    private(set) var reusedParts = 0
    /// Bytes in the file so far.
    private var emitted = 0
    private let previous: Previous?
    /// Previous bytes still to copy, ending with the part at `lastOrdinal`: a run of unchanged
    /// parts goes in one copy.
    private var run: (start: Int, end: Int, lastOrdinal: Int)?

    /// The previous build's file, its parts in order, and its gaps.
    private struct Previous {
        let descriptor: Int32
        let parts: [PartIndex.Part]
        let gaps: [[UInt8]]
    }
    /// Where the previous file's part after the last one reused is.
    private var nextOrdinal = 0
    /// How far past `nextOrdinal` a part is looked for: systems added or removed since shift the
    /// rest by a few. A part further away (the file's order changed) is made anew.
    static let lookAhead = 8

    /// `previousPath` and `previousFile`: the previous build's copy of this file and what the
    /// index says of it; its parts are reused only when the file is still the one indexed.
    init(descriptor: Int32, previousPath: String?, previousFile: PartIndex.File?) {
        self.descriptor = descriptor
        guard let previousPath, let previousFile else { previous = nil; return }
        let old = open(previousPath, O_RDONLY | O_CLOEXEC)
        guard old >= 0 else { previous = nil; return }
        guard FileIdentity.of(descriptor: old) == previousFile.identity else {
            close(old)
            previous = nil
            return
        }
        previous = Previous(descriptor: old, parts: previousFile.parts, gaps: previousFile.gaps)
    }

    deinit {
        if let previous { close(previous.descriptor) }
    }

    /// Where the next byte goes: what is in the file, the run still to copy, and `buffered`.
    func position(buffered: Int) -> Int {
        emitted + (run.map { $0.end - $0.start } ?? 0) + buffered
    }

    func write(_ buffer: UnsafeBufferPointer<UInt8>) {
        copyRun()
        guard failedWith == nil, !buffer.isEmpty else { return }
        if let code = SiteOutput.writeAll(buffer, to: descriptor) { failedWith = code }
        emitted += buffer.count
    }

    /// Takes the part from the previous file when it has one with this key; `buffered` (the
    /// sink's bytes since the last drain) is written first, or joins the run when it is the
    /// same separator the previous file has between the two parts.
    func reuse(_ key: PartKey, buffered: inout [UInt8]) -> Bool {
        guard failedWith == nil, let previous,
              let ordinal = (nextOrdinal..<min(nextOrdinal + Self.lookAhead, previous.parts.count)).first(where: { previous.parts[$0].key == key })
        else { return false }
        let old = previous.parts[ordinal]
        nextOrdinal = ordinal + 1
        let start = position(buffered: buffered.count)
        let gap = gap(before: start, buffered: buffered)
        if let current = run, ordinal == current.lastOrdinal + 1, old.offset - current.end == buffered.count,
           old.gap.map({ previous.gaps[$0] == buffered }) ?? previousBytes(at: current.end, equal: buffered) {
            run = (current.start, old.offset + old.length, ordinal)
            buffered.removeAll(keepingCapacity: true)
        } else {
            buffered.withUnsafeBufferPointer { write($0) }
            buffered.removeAll(keepingCapacity: true)
            run = (old.offset, old.offset + old.length, ordinal)
        }
        parts.append(PartIndex.Part(key: key, offset: start, length: old.length, gap: gap))
        lastPartEnd = start + old.length
        reusedParts += 1
        return true
    }

    /// The gap between the last part and one starting at `start`, as a position in `gaps`,
    /// when it is short and all in `buffered` (the sink's bytes since the last drain): the next
    /// build compares its separators with it instead of reading this file.
    func gap(before start: Int, buffered: [UInt8]) -> Int? {
        guard let lastPartEnd, start - lastPartEnd <= 64, start - lastPartEnd <= buffered.count else { return nil }
        let length = start - lastPartEnd
        // Nearly always the gap before the last part (70,000 parts at 10,000 systems): compared
        // in place, without making an array to look it up.
        if let lastGap, gaps[lastGap].count == length, buffered.suffix(length).elementsEqual(gaps[lastGap]) { return lastGap }
        let bytes = Array(buffered.suffix(length))
        let position = gapPositions[bytes] ?? {
            gaps.append(bytes)
            gapPositions[bytes] = gaps.count - 1
            return gaps.count - 1
        }()
        lastGap = position
        return position
    }

    /// The gap `gap(before:buffered:)` gave last.
    private var lastGap: Int?

    /// A part made anew, `gap` (`gap(before:buffered:)`) before it.
    func record(_ key: PartKey, offset: Int, length: Int, gap: Int?) {
        parts.append(PartIndex.Part(key: key, offset: offset, length: length, gap: gap))
        lastPartEnd = offset + length
    }

    /// Copies what is left of the run; call once the last byte is drained.
    func finish() {
        copyRun()
    }

    /// For an index without the gap: separators are a few bytes; anything longer is not
    /// compared and starts a new run.
    private func previousBytes(at offset: Int, equal expected: [UInt8]) -> Bool {
        guard let previous, expected.count <= 64 else { return false }
        guard !expected.isEmpty else { return true }
        var found = [UInt8](repeating: 0, count: expected.count)
        return pread(previous.descriptor, &found, found.count, off_t(offset)) == found.count && found == expected
    }

    private func copyRun() {
        guard let current = run, let previous else { return }
        run = nil
        guard failedWith == nil else { return }
        var from = Int64(current.start)
        var left = current.end - current.start
        // The kernel copies page to page; where it cannot (another file system, an old kernel)
        // the bytes go through a buffer.
        while left > 0 {
            let copied = algoreg_copy_file_range(previous.descriptor, &from, descriptor, left)
            if copied > 0 {
                left -= copied
                emitted += copied
                continue
            }
            if copied < 0 && errno == EINTR { continue }
            if copied < 0 && [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) { break }
            failedWith = copied == 0 ? EIO : errno
            return
        }
        var buffer = [UInt8](repeating: 0, count: min(left, 1 << 20))
        while left > 0 {
            let count = pread(previous.descriptor, &buffer, min(left, buffer.count), off_t(from))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { failedWith = count == 0 ? EIO : errno; return }
            if let code = buffer.withUnsafeBufferPointer({ SiteOutput.writeAll(UnsafeBufferPointer(rebasing: $0[..<count]), to: descriptor) }) {
                failedWith = code
                return
            }
            from += Int64(count)
            left -= count
            emitted += count
        }
    }
}
