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
