import Foundation

/// System pages rendered in an earlier build of the same process (`algoreg serve`), keyed by
/// everything a page is made from: the system's public content and history, the templates and
/// UI strings, the settings, the schema and the content date. A rebuild renders only the systems
/// whose key changed; the output is the same as a build without the cache.
public final class RenderCache: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [String: [[UInt8]]] = [:]
    private var usedThisBuild: Set<String> = []
    /// Systems served from the cache, and systems rendered, in the last build.
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init() {}

    func beginBuild() {
        lock.lock(); defer { lock.unlock() }
        hits = 0
        misses = 0
        usedThisBuild = []
    }

    func pages(for key: String) -> [[UInt8]]? {
        lock.lock(); defer { lock.unlock() }
        usedThisBuild.insert(key)
        if let found = pages[key] { hits += 1; return found }
        misses += 1
        return nil
    }

    func store(_ rendered: [[UInt8]], for key: String) {
        lock.lock(); defer { lock.unlock() }
        pages[key] = rendered
    }

    /// Forgets pages no system of the last build asked for, so the cache does not grow.
    func endBuild() {
        lock.lock(); defer { lock.unlock() }
        pages = pages.filter { usedThisBuild.contains($0.key) }
    }
}
