import Foundation

// Even a file whose bytes did not change was opened, read and hashed on every run, only to
// find its record in the parse cache: at 10,000 systems a sixth of a one-edit rebuild. Like
// git's index, the cache now also keeps each file's status (device, inode, size, modification
// and change times, to the nanosecond) with the key of the bytes it had, and a file with the
// same status is taken to have the same bytes without being read. Its body stays in the file
// until something reads it, and is then checked against the key (`SourceChanges`).
//
// A status is kept only when the file had not changed for a second before it was read: a
// write within the same tick of the file system's clock could leave the status as it was
// (the "racily clean" case), so such a file is read again next time. The change time cannot be
// set by hand, so a file put back with its old modification time is read again too.

/// What `stat` says of a file, as far as a change to its bytes would change it.
struct FileStatus: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: UInt64
    var modified: Int64
    var changed: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = UInt64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    init(device: UInt64, inode: UInt64, size: UInt64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }

    /// The status of the file at `path`, if it can be read.
    static func of(_ path: String) -> FileStatus? {
        var info = stat()
        return stat(path, &info) == 0 ? FileStatus(info) : nil
    }

    /// The status of the file at `path` below the open `folder`, if it can be read.
    static func of(_ path: String, in folder: Int32) -> FileStatus? {
        var info = stat()
        return fstatat(folder, path, &info, 0) == 0 ? FileStatus(info) : nil
    }

    /// Now, in nanoseconds since 1970, as file times are kept.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Whether the file had been left alone for `interval` nanoseconds when it was read at `readAt`.
    func isSettled(readAt: Int64, interval: Int64) -> Bool {
        max(modified, changed) < readAt - interval
    }
}

/// Each file's status with the key of its bytes, by display path: `.algoreg-cache/status.bin`.
struct FileStatuses: Equatable, Sendable {
    struct Entry: Equatable, Sendable {
        var status: FileStatus
        var key: ParseCache.Key
    }

    static let fileName = "status.bin"
    static let magic = Array("ALGOREG-STATUS-1\n".utf8)

    var entries: [String: Entry] = [:]

    /// The magic, the entries (in no particular order: sorting 12,000 paths cost more than the
    /// rest), then an XXH64 of everything before it.
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(entries.count * 120)
        CacheWriter.appendCount(entries.count, to: &bytes)
        for (path, entry) in entries {
            CacheWriter.appendString(path, to: &bytes)
            for word in [entry.status.device, entry.status.inode, entry.status.size,
                         UInt64(bitPattern: entry.status.modified), UInt64(bitPattern: entry.status.changed)] {
                withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
            }
            CacheWriter.appendKey(entry.key, to: &bytes)
        }
        CacheWriter.seal(&bytes)
        return bytes
    }

    /// nil for anything but an intact file.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> FileStatuses? {
        guard let body = CacheReader.sealed(bytes, magic: magic) else { return nil }
        var reader = CacheReader(body, displayPath: "")
        guard let count = reader.boundedCount() else { return nil }
        var statuses = FileStatuses()
        statuses.entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let path = reader.string(), let device = reader.word(), let inode = reader.word(), let size = reader.word(),
                  let modified = reader.word(), let changed = reader.word(), let key = reader.key() else { return nil }
            statuses.entries[path] = Entry(status: FileStatus(device: device, inode: inode, size: size, modified: Int64(bitPattern: modified),
                                                              changed: Int64(bitPattern: changed)), key: key)
        }
        return reader.isAtEnd ? statuses : nil
    }
}

/// Files taken as unchanged by their status whose bytes, read later for their body, were not
/// the bytes recorded: they changed during the run, and the run must not use what it made.
final class SourceChanges: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [String] = []

    func note(_ displayPath: String) {
        lock.withLock { found.append(displayPath) }
    }

    var paths: [String] {
        lock.withLock { found.sorted() }
    }

    /// The diagnostic for a file that changed during the run.
    static func diagnostic(_ displayPath: String) -> Diagnostic {
        Diagnostic(file: displayPath, location: nil, code: .fileUnreadable,
                   message: "The file changed while the register was being read; nothing was written.",
                   fix: "Run the command again once the file is saved.")
    }
}
