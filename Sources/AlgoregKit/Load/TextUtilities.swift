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
