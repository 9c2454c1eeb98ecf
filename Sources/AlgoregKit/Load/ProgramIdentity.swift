import Foundation

/// Which build of Algoreg is running: this executable's device, inode, size and modification
/// time. What one build parsed or rendered is reused only by the same build (the parse cache,
/// the page keys); a new build of the program, even from the same sources, starts afresh.
enum ProgramIdentity {
    /// nil where the executable cannot be found (then the parse cache is not used).
    static let text: String? = {
        var status = stat()
        guard stat("/proc/self/exe", &status) == 0 else { return nil }
        return FileIdentity.text(status)
    }()
}

/// A file's device, inode, size and modification time to the nanosecond: what tells that a
/// file is still the one seen before without reading it.
enum FileIdentity {
    static func text(_ status: stat) -> String {
        "\(status.st_dev):\(status.st_ino):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }

    static func of(descriptor: Int32) -> String? {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? text(status) : nil
    }
}
