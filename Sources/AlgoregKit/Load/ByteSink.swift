/// Bytes on their way out. With a `drain`, whatever has gathered goes to it once a megabyte
/// has, so a 100,000-system export or `register.json` is never held whole; without one, the
/// bytes stay in `bytes` (the command line's `export` prints them).
struct ByteSink {
    var bytes: [UInt8] = []
    /// Set when the bytes go to a file of the site, whose parts a rebuild may copy (`part`).
    var writer: FileWriter?
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

    /// One system's part of a file that lists every system: copied from the previous build's
    /// file when it has a part with this key, else made by `make` and recorded under it.
    mutating func part<Failure: Error>(_ key: PartKey?, _ make: (inout ByteSink) throws(Failure) -> Void) throws(Failure) {
        guard let key, let writer else { return try make(&self) }
        if writer.reuse(key, buffered: &bytes) { return }
        let start = writer.position(buffered: bytes.count)
        let gap = writer.gap(before: start, buffered: bytes)
        try make(&self)
        writer.record(key, offset: start, length: writer.position(buffered: bytes.count) - start, gap: gap)
    }

    mutating func append(_ text: String) {
        bytes.append(utf8: text)
    }

    /// The text escaped for HTML and XML (`HTML.escape`).
    mutating func appendEscaped(_ text: String) {
        HTML.escape(text, into: &bytes)
    }

    mutating func append(contentsOf other: some Sequence<UInt8>) {
        bytes.append(contentsOf: other)
    }
}
