import Foundation

/// A file's bytes mapped read-only into memory, for as long as this object lives: the pages
/// come from the page cache as they are read, with no copy. Only for files that are replaced
/// by a rename or appended to, never changed in place (a truncated mapping would fault).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    /// nil when the file cannot be opened or mapped (an empty file maps to nothing).
    init?(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        let size = Int(status.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
