import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hands memory freed in bulk (the validated register, the cards) back to the system: an
/// allocator otherwise keeps freed pages for later, and peak resident memory is what decides
/// whether a 100,000-system register builds on a small machine. The `algoreg` binary runs on
/// mimalloc; a process on glibc's malloc (the tests) trims that instead.
func returnFreedMemory() {
    #if canImport(Glibc)
    // Looked up at run time: neither is in a module Swift imports.
    if let collect = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mi_collect") {
        typealias Collect = @convention(c) (Bool) -> Void
        unsafeBitCast(collect, to: Collect.self)(true)
    } else if let trim = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
        typealias Trim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(trim, to: Trim.self)(0)
    }
    #endif
}

/// What a command-line run hands over at its end instead of freeing it: the process exits
/// next, and the kernel takes its memory back at once, where freeing 10,000 systems' objects
/// one by one, on one core, took longer than the whole commit.
public enum KeptUntilExit {
    nonisolated(unsafe) private static var values: [Any] = []
    private static let lock = NSLock()

    public static func keep(_ value: Any) {
        lock.withLock { values.append(value) }
    }
}
