import Foundation

/// A value given whole, or made the first time it is read (once, on whichever thread asks
/// first). What the parse cache holds of a file that did not change is made this way, since a
/// rebuild reads little of it (`LazyFields`, a body that stays in its file). A value given
/// whole is held as it is, with nothing allocated (a build from nothing holds 120,000 of them
/// at 100,000 systems); copies of a value still to be made share the making.
struct Deferred<T: Sendable>: Sendable {
    private enum Storage: Sendable {
        case whole(T)
        case later(Later)
    }

    /// The making, and what it made, shared by every copy.
    private final class Later: @unchecked Sendable {
        private let make: @Sendable () -> T
        private let lock = NSLock()
        private var made: T?

        init(_ make: @escaping @Sendable () -> T) { self.make = make }

        var value: T {
            lock.lock()
            defer { lock.unlock() }
            if let made { return made }
            let value = make()
            made = value
            return value
        }

        var isMade: Bool { lock.withLock { made != nil } }
    }

    private let storage: Storage

    init(_ value: T) {
        storage = .whole(value)
    }

    init(making make: @escaping @Sendable () -> T) {
        storage = .later(Later(make))
    }

    /// The value when it was given whole.
    var whole: T? {
        if case .whole(let value) = storage { return value }
        return nil
    }

    var value: T {
        switch storage {
        case .whole(let value): return value
        case .later(let later): return later.value
        }
    }

    /// Whether the value is there without making it (what the tests look at).
    var isMade: Bool {
        switch storage {
        case .whole: return true
        case .later(let later): return later.isMade
        }
    }
}
