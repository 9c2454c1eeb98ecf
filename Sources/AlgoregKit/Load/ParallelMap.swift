import Dispatch

extension Array where Element: Sendable {
    /// Maps on all cores. The work here is per file and independent, so the order of results
    /// matches the input and the output stays deterministic.
    func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let box = UncheckedBox(results)
        self.withUnsafeBufferPointer { input in
            let inputBox = UncheckedBox(input)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                box.value[index] = transform(inputBox.value[index])
            }
        }
        // Moved out, not copied: a copy would retain every result once more, and the buffer,
        // freed without being emptied, would never release them.
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { (buffer.baseAddress! + index).initialize(to: (results.baseAddress! + index).move()!) }
            initialized = count
        }
    }
}

/// Lets each concurrent iteration write its own slot of a shared buffer.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A value worked out on another thread, started at once; `value` waits for it.
final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: T?

    init(_ work: @escaping @Sendable () -> T) {
        DispatchQueue.global().async {
            self.result = work()
            self.done.signal()
        }
    }

    /// Waits once for the work; later calls return the same value.
    lazy var value: T = {
        done.wait()
        return result!
    }()
}
