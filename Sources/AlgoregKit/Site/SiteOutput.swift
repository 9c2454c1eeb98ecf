import Foundation

/// Writes a build into a staging folder beside the output and swaps it in only when every
/// file was written, so a failed build leaves the previous site as it was.
struct SiteOutput {
    /// Marks an output folder as made by Algoreg, so we never replace someone else's folder.
    static let marker = ".algoreg-site"
    /// Files a repository may keep in its empty `Site/` folder; they survive a build.
    static let keptFiles = [".gitkeep", "README.md"]

    let output: URL
    let staging: URL
    let displayOutput: String
    /// System id -> the key of its pages in this build, written into the marker at commit.
    let pageKeys = PageKeys()

    /// Collected from the threads that write system pages.
    final class PageKeys: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [String: String] = [:]

        func record(_ id: String, _ key: String) {
            lock.lock(); defer { lock.unlock() }
            keys[id] = key
        }

        var sorted: [(id: String, key: String)] {
            lock.lock(); defer { lock.unlock() }
            return keys.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    static let pageKeyPrefix = "page "

    enum Failure: Error {
        case notOurs(Diagnostic)
        case io(Diagnostic)

        var diagnostic: Diagnostic {
            switch self {
            case .notOurs(let d), .io(let d): return d
            }
        }
    }

    init(output path: String) {
        output = URL(fileURLWithPath: path).standardizedFileURL
        displayOutput = path
        staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
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

    /// The page keys the previous build recorded in its marker (`page <id> <key>` lines).
    func previousPageKeys() -> [String: String] {
        guard let text = try? String(contentsOf: output.appendingPathComponent(Self.marker), encoding: .utf8) else { return [:] }
        var keys: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(Self.pageKeyPrefix) {
            let parts = line.split(separator: " ")
            if parts.count == 3 { keys[String(parts[1])] = String(parts[2]) }
        }
        return keys
    }

    /// Hard-links a file of the previous build into this one (the previous build is ours and
    /// its key says the file is what this build would write). False when it cannot, e.g. the
    /// file is gone or the file system has no links: the caller then writes it.
    func keepPrevious(_ relative: String) -> Bool {
        let source = output.path + "/" + relative
        let target = staging.path + "/" + relative
        if link(source, target) == 0 { return true }
        guard errno == ENOENT, access(source, F_OK) == 0, let slash = target.utf8.lastIndex(of: UInt8(ascii: "/")),
              Self.makeFolders(String(target[..<slash])) == nil else { return false }
        return link(source, target) == 0
    }

    /// A file this build has written.
    func read(_ relative: String) throws(Failure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: staging.path + "/" + relative) else {
            throw .io(Diagnostic(file: "\(displayOutput)/\(relative)", location: nil, code: .outputFailed,
                message: "A file this build wrote cannot be read back.", fix: "Check the disk space and permissions."))
        }
        return [UInt8](data)
    }

    /// Removes a file from the staging folder, if it is there.
    func discard(_ relative: String) {
        unlink(staging.path + "/" + relative)
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

    /// Writes one file in pieces as `body` makes them, so a large file is never held whole.
    func stream(_ relative: String, _ body: (inout ByteSink) throws(Failure) -> Void) throws(Failure) {
        let descriptor = try create(relative)
        defer { close(descriptor) }
        var failedWith: Int32?
        var sink = ByteSink { buffer in
            if failedWith == nil { failedWith = Self.writeAll(buffer, to: descriptor) }
        }
        try body(&sink)
        sink.flush()
        if let failedWith { throw failure(relative, failedWith) }
    }

    private func failure(_ relative: String, _ code: Int32) -> Failure {
        .io(Diagnostic(file: "\(displayOutput)/\(relative)", location: nil, code: .outputFailed,
            message: "The file cannot be written: \(String(cString: strerror(code))).", fix: "Check the disk space and permissions."))
    }

    /// Opens a file of the staging folder for writing, making its folders when they are missing.
    private func create(_ relative: String, inNewFolder: Bool = false) throws(Failure) -> Int32 {
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
    private static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> Int32? {
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

    /// Replaces the output with the staging folder: rename the old one away, rename the new one
    /// in, then delete the old one.
    func commit() throws(Failure) {
        let fileManager = FileManager.default
        // The page keys let the next build keep the system pages whose inputs did not change.
        try write(Self.marker, "This folder was written by `algoreg build`; it is replaced as a whole by the next build.\n"
            + pageKeys.sorted.map { "\(Self.pageKeyPrefix)\($0.id) \($0.key)\n" }.joined())
        for kept in Self.keptFiles {
            let old = output.appendingPathComponent(kept)
            if fileManager.fileExists(atPath: old.path) { try? fileManager.copyItem(at: old, to: staging.appendingPathComponent(kept)) }
        }
        let previous = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).previous-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            if fileManager.fileExists(atPath: output.path) { try fileManager.moveItem(at: output, to: previous) }
            try fileManager.moveItem(at: staging, to: output)
        } catch {
            if !fileManager.fileExists(atPath: output.path), fileManager.fileExists(atPath: previous.path) {
                try? fileManager.moveItem(at: previous, to: output)
            }
            throw .io(Diagnostic(file: displayOutput, location: nil, code: .outputFailed,
                message: "The new site could not replace `\(displayOutput)`: \(error.localizedDescription).", fix: "Check permissions of the folder that holds it."))
        }
        try? fileManager.removeItem(at: previous)
    }

    func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }
}
