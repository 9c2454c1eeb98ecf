/// Finds a key's position in an ordered list of keys by a hash of the key: a scan of the hashes
/// while there are few keys, an open-addressing table once there are `tableFrom` or more. The
/// hash is a multiply-and-shift over the UTF-8 bytes, eight at a time: keys are short, and it
/// costs a few cycles where the standard library's seeded SipHash costs a setup and a
/// finalisation per lookup. The
/// model's `Object` (and the YAML loader filling it) and the templates' `TemplateObject` share it.
struct KeyIndex: Sendable {
    private var hashes: [UInt64] = []
    /// Position + 1 of each key at its hash's slot (0: empty); empty below `tableFrom` keys.
    private var table: [Int32] = []
    static let tableFrom = 16

    init() {}

    init<Keys: Sequence>(_ keys: Keys) where Keys.Element == String {
        self.init(hashes: keys.map(Self.hash))
    }

    /// The index of keys whose hashes (in key order) are already known.
    init(hashes: [UInt64]) {
        self.hashes = hashes
        rebuildTable()
    }

    static func hash(_ key: String) -> UInt64 {
        if let hash = key.utf8.withContiguousStorageIfAvailable(hash) { return hash }
        var key = key
        return key.withUTF8(hash)
    }

    /// Eight bytes at a time, each word multiplied in; the last partial word is padded with
    /// zeros, the length is multiplied in first and the bits are mixed once more at the end (the
    /// table uses the low bits).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
        var hash: UInt64 = (0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)) &* multiplier
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var offset = 0
            while offset + 8 <= bytes.count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
                hash ^= hash >> 32
                offset += 8
            }
            let remaining = bytes.count - offset
            if remaining > 0 {
                // The same word as the remaining bytes padded with zeros, read in at most three
                // loads: most keys are shorter than eight bytes, and a byte loop was most of the hash.
                var tail: UInt64
                if bytes.count >= 8 {
                    tail = raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) >> (8 * UInt64(8 - remaining))
                } else {
                    tail = 0
                    var position = 0
                    if remaining >= 4 {
                        tail = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
                        position = 4
                    }
                    if remaining - position >= 2 {
                        tail |= UInt64(raw.loadUnaligned(fromByteOffset: position, as: UInt16.self)) << (8 * UInt64(position))
                        position += 2
                    }
                    if position < remaining { tail |= UInt64(base[position]) << (8 * UInt64(position)) }
                }
                hash = (hash ^ tail) &* multiplier
            }
        }
        hash ^= hash >> 29
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
    }

    /// The position of the key with this hash that `isKey` confirms (it compares the key itself).
    @inline(__always)
    func position(hash: UInt64, isKey: (Int) -> Bool) -> Int? {
        if table.isEmpty {
            var position = 0
            while position < hashes.count {
                if hashes[position] == hash && isKey(position) { return position }
                position += 1
            }
            return nil
        }
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(table[slot])
            if entry == 0 { return nil }
            if hashes[entry - 1] == hash && isKey(entry - 1) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The hash of the key at `position`.
    func hash(at position: Int) -> UInt64 { hashes[position] }

    /// A new key after the last.
    mutating func append(hash: UInt64) {
        hashes.append(hash)
        if hashes.count < Self.tableFrom { return }
        if hashes.count * 2 > table.count { rebuildTable() } else { insert(hashes.count - 1) }
    }

    mutating func remove(at position: Int) {
        hashes.remove(at: position)
        rebuildTable()
    }

    private mutating func rebuildTable() {
        guard hashes.count >= Self.tableFrom else {
            table = []
            return
        }
        var size = 1
        while size < hashes.count * 4 { size <<= 1 }
        table = Array(repeating: 0, count: size)
        for position in hashes.indices { insert(position) }
    }

    private mutating func insert(_ position: Int) {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hashes[position]) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = Int32(position + 1)
    }
}
