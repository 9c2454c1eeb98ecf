#if canImport(Glibc)
import Glibc
#endif

/// Hands memory freed in bulk (the validated register, the cards) back to the system. glibc
/// otherwise keeps freed pages in its arenas, and peak resident memory is what decides whether
/// a 100,000-system register builds on a small machine.
func returnFreedMemory() {
    #if canImport(Glibc)
    // `malloc_trim` is in <malloc.h>, which Swift's Glibc module leaves out.
    typealias MallocTrim = @convention(c) (Int) -> Int32
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    }
    #endif
}
