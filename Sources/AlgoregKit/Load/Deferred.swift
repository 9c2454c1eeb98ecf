import Foundation

/// A value given whole, or made the first time it is read (once, on whichever thread asks
/// first). What the parse cache holds of a file that did not change is made this way, since a
/// rebuild reads little of it (`LazyFields`, a body that stays in its file).
final class Deferred<T: Sendable>: @unchecked Sendable {
    /// The value when it was given whole: read with no lock.
    let whole: T?
    private let make: (@Sendable () -> T)?
    /// Guards `made`; nil when the value was given whole.
    private let lock: NSLock?
    private var made: T?

    init(_ value: T) {
        whole = value
        make = nil
        lock = nil
    }

    init(making make: @escaping @Sendable () -> T) {
        whole = nil
        self.make = make
        lock = NSLock()
    }

    var value: T {
        if let whole { return whole }
        lock!.lock()
        defer { lock!.unlock() }
        if let made { return made }
        let value = make!()
        made = value
        return value
    }

    /// Whether the value is there without making it (what the tests look at).
    var isMade: Bool {
        whole != nil || lock!.withLock { made != nil }
    }
}
