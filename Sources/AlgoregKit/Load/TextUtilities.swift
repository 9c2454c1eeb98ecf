import Foundation

/// String helpers that avoid Foundation's NSString bridge, which on Linux converts to UTF-16
/// and back; they run on every cell and card of a large register.
extension String {
    /// Without leading and trailing whitespace and newlines.
    var trimmed: String {
        // Most texts start and end with a visible ASCII character: then they are their own
        // trimmed text, and no scalar needs Unicode's whitespace table (a UTF-8 text's last
        // byte below 0x80 is its last scalar).
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
           !Self.isASCIIWhitespace(first), !Self.isASCIIWhitespace(last) {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Every occurrence of `target` replaced with `replacement`, compared byte for byte.
    func replacingEvery(_ target: String, with replacement: String) -> String {
        let needle = Array(target.utf8)
        guard let head = needle.first else { return self }
        var result: [UInt8] = []
        var matched = false
        var bytes = Array(utf8)[...]
        while let index = bytes.firstIndex(of: head) {
            if bytes[index...].starts(with: needle) {
                result += bytes[bytes.startIndex..<index]
                result += replacement.utf8
                bytes = bytes[(index + needle.count)...]
                matched = true
            } else {
                result += bytes[bytes.startIndex...index]
                bytes = bytes[(index + 1)...]
            }
        }
        guard matched else { return self }
        result += bytes
        return String(decoding: result, as: UTF8.self)
    }
}

/// Finds the first byte a writer must escape, eight bytes at a time: JSON strings and CSV cells
/// are most of the open data's megabytes, and nearly all their bytes are copied as they are.
enum EscapeScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// A word's bytes equal to `byte` (or, with `below`, less than it, for `byte` <= 0x80) have
    /// their high bit set in the result; the lowest set byte is exact, which is all a search
    /// needs (bytes above it may be false alarms from a borrow).
    @inline(__always) private static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let spread = word ^ (ones &* UInt64(byte))
        return (spread &- ones) & ~spread & highs
    }

    @inline(__always) private static func below(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        (word &- ones &* UInt64(byte)) & ~word & highs
    }

    /// The index of the first byte from `start` that JSON must escape (a control character,
    /// `"` or `\`), or `bytes.count`.
    static func firstJSONEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        firstIndex(in: bytes, from: start, word: { below($0, 0x20) | matches($0, 0x22) | matches($0, 0x5C) }) {
            $0 < 0x20 || $0 == 0x22 || $0 == 0x5C
        }
    }

    /// The index of the first byte from `start` that makes a CSV cell need quotes (`,`, `"`,
    /// a line break), or `bytes.count`.
    static func firstCSVSpecial(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        firstIndex(in: bytes, from: start, word: { matches($0, 0x2C) | matches($0, 0x22) | matches($0, 0x0A) | matches($0, 0x0D) }) {
            $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D
        }
    }

    /// The index of the first byte from `start` that HTML escapes (`&`, `<`, `>`, `"`, `'`),
    /// or `bytes.count`.
    static func firstHTMLEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        firstIndex(in: bytes, from: start, word: { matches($0, 0x26) | matches($0, 0x3C) | matches($0, 0x3E) | matches($0, 0x22) | matches($0, 0x27) }) {
            $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27
        }
    }

    @inline(__always) private static func firstIndex(in bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                                     word test: (UInt64) -> UInt64, byte isSpecial: (UInt8) -> Bool) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= bytes.count {
            // Little-endian: the lowest set byte of the result is the first in memory.
            let found = test(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < bytes.count, !isSpecial(bytes[index]) { index += 1 }
        return index
    }
}

/// Sorting by text the fast way: by bytes where every text is ASCII (the same order as by
/// text, at a fraction of the cost for 10,000 file names or 20,000 page paths); by text otherwise.
enum TextOrder {
    static func sorted<Item>(_ items: [Item], by text: (Item) -> String) -> [Item] {
        var texts = items.map(text)
        // Each text's first 16 bytes as two numbers, compared before the texts themselves; nil
        // when a text is not ASCII.
        var keys: [(UInt64, UInt64)] = []
        keys.reserveCapacity(texts.count)
        for index in texts.indices {
            guard let key = texts[index].withUTF8(prefixKey) else {
                return items.indices.sorted { texts[$0] < texts[$1] }.map { items[$0] }
            }
            keys.append(key)
        }
        let order = items.indices.sorted { a, b in
            keys[a] != keys[b] ? keys[a] < keys[b] : bytesPrecede(texts[a], texts[b])
        }
        return order.map { items[$0] }
    }

    /// The first 16 bytes of `bytes`, big-endian, zeros after its end: as numbers they are in
    /// the order of the texts' bytes, up to a tie. nil when `bytes` are not all ASCII.
    static func prefixKey(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        var key: (UInt64, UInt64) = (0, 0)
        var ascii = true
        for position in bytes.indices {
            let byte = bytes[position]
            ascii = ascii && byte < 0x80
            guard position < 16 else { continue }
            let shift = UInt64(56 - 8 * (position % 8))
            if position < 8 { key.0 |= UInt64(byte) << shift } else { key.1 |= UInt64(byte) << shift }
        }
        return ascii ? key : nil
    }

    /// `a` before `b` by their UTF-8 bytes.
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = memcmp(x.baseAddress!, y.baseAddress!, min(x.count, y.count))
                return common != 0 ? common < 0 : x.count < y.count
            }
        }
    }
}

/// The name of a directory entry `readdir` gave: up to its NUL, found by `strnlen` (a byte
/// at a time through the 256-byte field took a tenth of listing 10,000 files).
func directoryEntryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
    withUnsafeBytes(of: &entry.pointee.d_name) { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<length]), as: UTF8.self)
    }
}

extension String {
    /// `folder/name`, written into one new text sized at once: interpolating a long folder
    /// path grew the text on the way, for each of 12,000 files.
    static func path(_ folder: String, _ name: String) -> String {
        let count = folder.utf8.count + 1 + name.utf8.count
        return String(unsafeUninitializedCapacity: count) { output in
            var written = 0
            func copy(_ text: String) {
                let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Int in
                    if let base = bytes.baseAddress {
                        UnsafeMutableRawPointer(output.baseAddress! + written).copyMemory(from: base, byteCount: bytes.count)
                    }
                    return bytes.count
                }
                if let copied { written += copied; return }
                for byte in text.utf8 { output[written] = byte; written += 1 }
            }
            copy(folder)
            output[written] = UInt8(ascii: "/")
            written += 1
            copy(name)
            return written
        }
    }
}

extension Array where Element == UInt8 {
    /// `text`'s UTF-8 bytes, copied from its storage in one go: appending its UTF-8 view went
    /// through the generic sequence path (150 instructions a piece, 140,000 pieces a sitemap).
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}

extension String {
    /// This text without `prefix` (its UTF-8 bytes) in front, or nil when it does not start
    /// with it. By `memcmp`: `hasPrefix` compares characters, and `starts(with:)` on the UTF-8
    /// view took 1,400 instructions a path.
    func removingPrefix(_ prefix: [UInt8]) -> String? {
        var text = self
        return text.withUTF8 { bytes -> String? in
            guard !prefix.isEmpty, bytes.count >= prefix.count,
                  prefix.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, $0.count) }) == 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[prefix.count...]), as: UTF8.self)
        }
    }
}
