/// Bytes on their way out. With a `drain`, whatever has gathered goes to it once a megabyte
/// has, so a 100,000-system export or `register.json` is never held whole; without one, the
/// bytes stay in `bytes` (the command line's `export` prints them).
struct ByteSink {
    var bytes: [UInt8] = []
    private let drain: ((UnsafeBufferPointer<UInt8>) -> Void)?
    private let drainSize: Int

    /// Keeps everything in memory.
    init() {
        drain = nil
        drainSize = .max
    }

    init(drainSize: Int = 1 << 20, drain: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
        self.drain = drain
        self.drainSize = drainSize
        bytes.reserveCapacity(drainSize + drainSize / 4)
    }

    /// Call between records (a row, an item): drains once `drainSize` bytes have gathered.
    mutating func drainIfFull() {
        if bytes.count >= drainSize { flush() }
    }

    /// Drains whatever is left; call once at the end.
    mutating func flush() {
        guard let drain, !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer(drain)
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(contentsOf other: some Sequence<UInt8>) {
        bytes.append(contentsOf: other)
    }
}
