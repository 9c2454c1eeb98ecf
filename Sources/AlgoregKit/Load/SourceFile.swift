import Foundation

/// One file of the register, read and checked for what would stop anyone from parsing it:
/// size, binary content, UTF-8, byte-order mark and CRLF line endings (both accepted).
public struct SourceFile: Sendable {
    /// Path shown to people, e.g. `Registry/systems/chatbot.md`.
    public var displayPath: String
    /// Absolute path on disk.
    public var path: String
    /// The same as a URL, made when asked for: making one for each of 10,000 files taken from
    /// the parse cache cost more than the rest of taking them.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: false) }

    public init(displayPath: String, url: URL, text: String) {
        self.init(displayPath: displayPath, path: url.path, text: text)
    }

    init(displayPath: String, path: String, text: String) {
        self.displayPath = displayPath
        self.path = path
        self.text = text
    }
    /// Text with the byte-order mark removed and line endings normalised to `\n`;
    /// line numbers are unchanged by both. Empty in a parsed `Document`, which keeps only its
    /// fields and body.
    public var text: String

    /// Reads and checks a file. Returns nil with a diagnostic when the text cannot be used.
    public static func read(_ url: URL, displayPath: String, maxBytes: Int) -> (SourceFile?, Diagnostic?) {
        let (bytes, problem) = readBytes(url, displayPath: displayPath, maxBytes: maxBytes)
        guard let bytes else { return (nil, problem) }
        return decode(bytes, url: url, displayPath: displayPath)
    }

    /// The file's bytes as they are on disk, unless it cannot be read or is over `maxBytes`.
    static func readBytes(_ url: URL, displayPath: String, maxBytes: Int) -> ([UInt8]?, Diagnostic?) {
        let (bytes, problem, _) = readBytesAndStatus(url.path, displayPath: displayPath, maxBytes: maxBytes)
        return (bytes, problem)
    }

    /// `readBytes`, with the file's status as it was read.
    static func readBytesAndStatus(_ path: String, displayPath: String, maxBytes: Int) -> ([UInt8]?, Diagnostic?, FileStatus?) {
        func problem(_ code: DiagnosticCode, _ message: String, _ fix: String) -> ([UInt8]?, Diagnostic?, FileStatus?) {
            (nil, Diagnostic(file: displayPath, location: nil, code: code, message: message, fix: fix), nil)
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            return problem(.fileUnreadable, "The file cannot be read.", "Check that the file exists and that you may read it.")
        }
        defer { close(descriptor) }
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        if size > maxBytes {
            return problem(.fileTooLarge,
                "The file is \(ByteSize.describe(size)), more than the limit of \(ByteSize.describe(maxBytes)).",
                "An entry should be a few kilobytes of text. Move large material to a linked document, or raise `max_file_size` in register.yaml.")
        }
        guard let bytes = readAll(descriptor, expected: size) else {
            return problem(.fileUnreadable, "The file cannot be read.", "Check that the file exists and that you may read it.")
        }
        return (bytes, nil, FileStatus(status))
    }

    /// Whether the text of `bytes` is the bytes themselves: no byte-order mark to drop and no
    /// carriage returns to turn into line feeds.
    static func isTextAsStored(_ bytes: [UInt8]) -> Bool {
        !bytes.starts(with: [0xEF, 0xBB, 0xBF]) && !contains(bytes, 13)
    }

    /// The checks on a file's bytes and its text, with the byte-order mark removed and line endings normalised.
    static func decode(_ bytes: [UInt8], url: URL, displayPath: String) -> (SourceFile?, Diagnostic?) {
        func problem(_ code: DiagnosticCode, _ message: String, _ fix: String?, at location: SourceLocation? = nil) -> (SourceFile?, Diagnostic?) {
            (nil, Diagnostic(file: displayPath, location: location, code: code, message: message, fix: fix))
        }
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return problem(.invalidUTF8, "The file is saved as UTF-16; the register expects UTF-8.",
                "Save the file again with the encoding \"UTF-8\".")
        }
        if contains(bytes, 0, within: 8192) {
            return problem(.binaryFile, "The file is not text (it contains binary data).",
                "Only Markdown text files belong here; move images and documents elsewhere and link to them.")
        }
        // Decoding validates; the byte-by-byte search for the bad offset runs only when it failed.
        guard var text = String(validating: bytes, as: UTF8.self) else {
            let location = firstInvalidUTF8Offset(bytes).map { locationOfByte($0, in: bytes) }
            return problem(.invalidUTF8, "The file contains bytes that are not valid UTF-8 text (probably saved in another encoding, like Windows-1252).",
                "Save the file again with the encoding \"UTF-8\".", at: location)
        }
        if contains(bytes, 13) { text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") }
        if text.allSatisfy({ $0.isWhitespace }) {
            return problem(.emptyFile, "The file is empty.", "Fill it in (`algoreg new` writes a complete entry to start from) or delete it.")
        }
        return (SourceFile(displayPath: displayPath, url: url, text: text), nil)
    }

    /// Whether `byte` is among the first `limit` bytes (memchr: these checks run on every file).
    static func contains(_ bytes: [UInt8], _ byte: UInt8, within limit: Int = .max) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return false }
            return memchr(base, Int32(byte), min(raw.count, limit)) != nil
        }
    }

    /// The whole file in one buffer, read with POSIX calls (Foundation's attributes and `Data`
    /// cost more than the read itself for a few-kilobyte entry).
    static func readAll(_ descriptor: Int32, expected: Int) -> [UInt8]? {
        // The expected size plus one (to see the end) is read into memory that is not zeroed first.
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: max(expected, 0) + 1) { buffer, initialized in
            var filled = 0
            while filled < buffer.count {
                let read = Foundation.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if read < 0 { failed = true }
                if read <= 0 { break }
                filled += read
            }
            initialized = filled
        }
        if failed { return nil }
        if bytes.count <= max(expected, 0) { return bytes }
        var count = bytes.count
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
            let read = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if read < 0 { return nil }
            if read == 0 { break }
            count += read
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            if byte & 0xE0 == 0xC0 && byte >= 0xC2 { length = 2 }
            else if byte & 0xF0 == 0xE0 { length = 3 }
            else if byte & 0xF8 == 0xF0 && byte <= 0xF4 { length = 4 }
            else { return index }
            if index + length > count { return index }
            for continuation in 1..<length where bytes[index + continuation] & 0xC0 != 0x80 { return index }
            // Reject overlong and surrogate encodings the way String would.
            if String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil { return index }
            index += length
        }
        return nil
    }

    static func locationOfByte(_ offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 10 { line += 1; lineStart = index + 1 }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(line: line, column: column)
    }

    /// The text of one line (1-based), for printing under a diagnostic.
    public func line(_ number: Int) -> Substring? {
        var current = 1
        var start = text.startIndex
        while current < number {
            guard let newline = text[start...].firstIndex(of: "\n") else { return nil }
            start = text.index(after: newline)
            current += 1
        }
        let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
        return text[start..<end]
    }
}

enum ByteSize {
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return "\(bytes >> 10) KB" }
        return "\(bytes) bytes"
    }

    /// A size given in YAML: a number of bytes or text like `1MB`. (A plain switch: an `??`
    /// chain over `Value` accessors crashes Swift 6.3.1's optimizer in release builds.)
    static func parse(_ value: Value) -> Int? {
        switch value.kind {
        case .string(let text): return parse(text)
        case .integer(let bytes): return bytes
        case .number(let bytes) where bytes.isFinite && bytes < Double(Int.max): return Int(bytes)
        default: return nil
        }
    }

    /// Reads sizes like `1MB`, `512 KB` or `2000000`.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            return Double(number).map { Int($0 * Double(factor)) }
        }
        return Int(trimmed)
    }
}
