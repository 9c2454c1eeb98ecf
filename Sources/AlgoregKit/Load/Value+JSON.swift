import Foundation

/// JSON reading and writing for `Value`.
///
/// Hand-written rather than `JSONSerialization` so that integers stay distinct from numbers,
/// `true`/`false` never turn into 1/0, member order is kept, and every value knows its line
/// and column (the schema file and the conformance suite are JSON).

/// Why a JSON text could not be read, and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation

    public var description: String { "\(location): \(message)" }
}

extension Value {
    /// Parses one JSON text (RFC 8259), allowing a UTF-8 byte order mark and surrounding whitespace.
    public static func parseJSON(_ data: [UInt8]) throws -> Value {
        var parser = JSONParser(bytes: data)
        return try parser.parseDocument()
    }

    /// Parses JSON held in a string; convenient for tests and embedded schemas.
    public static func parseJSON(_ text: String) throws -> Value {
        try parseJSON(Array(text.utf8))
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var line = 1
    /// Byte offset where the current line starts; columns count Unicode scalars from there.
    var lineStart = 0
    /// Deep nesting would overflow the stack; real schemas and data stay far below this.
    static let maximumDepth = 512
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3; lineStart = 3 }
    }

    /// Column counting resumes from the last asked position, so minified one-line JSON stays linear.
    var countedOffset = 0
    var countedColumn = 1

    var location: SourceLocation {
        mutating get {
            if countedOffset < lineStart || countedOffset > position {
                countedOffset = lineStart
                countedColumn = 1
            }
            while countedOffset < position {
                if bytes[countedOffset] & 0xC0 != 0x80 { countedColumn += 1 }
                countedOffset += 1
            }
            return SourceLocation(line: line, column: countedColumn)
        }
    }

    mutating func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, location: location)
    }

    mutating func parseDocument() throws -> Value {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected text after the JSON value") }
        return value
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "\n"):
                position += 1
                line += 1
                lineStart = position
            default:
                return
            }
        }
    }

    mutating func parseValue() throws -> Value {
        guard position < bytes.count else { throw error("unexpected end of JSON text") }
        let start = location
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(start: start)
        case UInt8(ascii: "["): return try parseArray(start: start)
        case UInt8(ascii: "\""): return Value(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return Value(.bool(true), at: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return Value(.bool(false), at: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return Value(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber(start: start)
        default: throw error("expected a JSON value")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("expected \(literal)") }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] {
            throw error("expected \(literal)")
        }
        position += count
    }

    mutating func enterContainer() throws {
        depth += 1
        if depth > Self.maximumDepth { throw error("JSON nested too deeply") }
    }

    mutating func parseObject(start: SourceLocation) throws -> Value {
        try enterContainer()
        defer { depth -= 1 }
        position += 1
        var object = Object()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return Value(.object(object), at: start)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a string key")
            }
            let keyLocation = location
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            object.set(Member(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return Value(.object(object), at: start) }
            throw error("expected ',' or '}'")
        }
    }

    mutating func parseArray(start: SourceLocation) throws -> Value {
        try enterContainer()
        defer { depth -= 1 }
        position += 1
        var elements: [Value] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return Value(.array(elements), at: start)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return Value(.array(elements), at: start) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func parseString() throws -> String {
        position += 1
        let contentStart = position
        // Fast path: most strings have no escapes and can be decoded straight from the input.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[contentStart..<position], as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        var buffer = Array(bytes[contentStart..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw error("unterminated string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"): buffer.append(contentsOf: String(try parseUnicodeEscape()).utf8)
                default: throw error("invalid escape in string")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                buffer.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    /// Reads the hex digits after `\u`, joining surrogate pairs; a lone surrogate becomes U+FFFD.
    mutating func parseUnicodeEscape() throws -> Character {
        let first = try parseHex4()
        if (0xD800..<0xDC00).contains(first),
           position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            let saved = position
            position += 2
            let second = try parseHex4()
            if (0xDC00..<0xE000).contains(second) {
                let scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return Character(Unicode.Scalar(scalar)!)
            }
            position = saved
        }
        return Character(Unicode.Scalar(first) ?? "\u{FFFD}")
    }

    mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var result: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            result = result * 16 + UInt32(digit)
            position += 1
        }
        return result
    }

    /// Integers without fraction or exponent stay `.integer` (unless they overflow `Int`).
    mutating func parseNumber(start: SourceLocation) throws -> Value {
        let numberStart = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: bytes[numberStart..<position], as: UTF8.self)
        if isInteger, let integer = Int(text) { return Value(.integer(integer), at: start) }
        guard let number = Double(text) else { throw error("invalid number") }
        return Value(.number(number), at: start)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension Value {
    /// Deterministic JSON: members in stored order, two-space indent when `pretty`, "/" and
    /// non-ASCII left as they are, whole numbers without ".0", non-finite numbers as null.
    public func jsonText(pretty: Bool) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self, depth: 0)
        return String(decoding: writer.output, as: UTF8.self)
    }
}

extension Value {
    /// Pretty JSON of an object whose members are all strings, with distinct keys: the bytes
    /// of `jsonText(pretty: true)` of that object, without making the object (an export writes
    /// one per system).
    static func prettyJSONObject(ofStrings members: [(key: String, value: String)]) -> [UInt8] {
        var writer = JSONWriter(pretty: true)
        writer.writeObject(ofStrings: members)
        return writer.output
    }
}

/// Pretty JSON of an object whose last member is an empty array, with that array's items
/// given as pretty JSON texts of their own: the same bytes as writing the whole value, but each
/// item is serialised once (a system's JSON file and the register's list share it) and the items
/// go to the sink one by one, so they need not all be held at once.
struct PrettyJSONSplice {
    private var count = 0

    /// Writes `value` up to its last member's array.
    init(_ value: Value, into sink: inout ByteSink) {
        var text = value.jsonText(pretty: true)
        precondition(text.hasSuffix("[]\n}"), "the last member must be an empty array")
        text.removeLast("[]\n}".utf8.count)
        sink.append(text)
    }

    /// One item, pretty JSON (a trailing line break allowed), indented to its place.
    mutating func append(_ item: [UInt8], into sink: inout ByteSink) {
        appendPart(nil, into: &sink) { item }
    }

    /// One item as a part of the file (`ByteSink.part`): made by `item` only when the previous
    /// build's file has no part with this key. The separator before it is not part of it.
    mutating func appendPart<Failure: Error>(_ key: PartKey?, into sink: inout ByteSink, _ item: () throws(Failure) -> [UInt8]) throws(Failure) {
        sink.append(count == 0 ? "[\n    " : ",\n    ")
        count += 1
        try sink.part(key) { (sink) throws(Failure) in Self.indented(try item(), into: &sink) }
        sink.drainIfFull()
    }

    private static func indented(_ item: [UInt8], into sink: inout ByteSink) {
        let end = item.last == UInt8(ascii: "\n") ? item.count - 1 : item.count
        // JSON text has line breaks only between values, never inside a string; memchr finds them.
        item.withUnsafeBufferPointer { bytes in
            var copied = 0
            while copied < end, let found = memchr(bytes.baseAddress! + copied, 0x0A, end - copied) {
                let position = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                sink.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...position]))
                sink.bytes.append(contentsOf: [32, 32, 32, 32])
                copied = position + 1
            }
            sink.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<end]))
        }
    }

    func finish(into sink: inout ByteSink) {
        sink.append(count == 0 ? "[]\n}\n" : "\n  ]\n}\n")
    }
}

/// Writes UTF-8 bytes into one growing buffer; the string is made once at the end.
private struct JSONWriter {
    let pretty: Bool
    var output: [UInt8] = []

    init(pretty: Bool) {
        self.pretty = pretty
        output.reserveCapacity(4096)
    }

    mutating func write(_ value: Value, depth: Int) {
        switch value.kind {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let integer): output.append(contentsOf: String(integer).utf8)
        case .number(let number): writeNumber(number)
        case .string(let string): writeString(string)
        case .array(let elements):
            if elements.isEmpty { append("[]"); return }
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(depth: depth + 1)
                write(element, depth: depth + 1)
            }
            newline(depth: depth)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { append("{}"); return }
            output.append(UInt8(ascii: "{"))
            for (offset, member) in object.members.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(depth: depth + 1)
                writeString(member.key)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                write(member.value, depth: depth + 1)
            }
            newline(depth: depth)
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeObject(ofStrings members: [(key: String, value: String)]) {
        if members.isEmpty { append("{}"); return }
        output.append(UInt8(ascii: "{"))
        for (offset, member) in members.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            newline(depth: 1)
            writeString(member.key)
            output.append(UInt8(ascii: ":"))
            if pretty { output.append(UInt8(ascii: " ")) }
            writeString(member.value)
        }
        newline(depth: 0)
        output.append(UInt8(ascii: "}"))
    }

    mutating func append(_ literal: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func newline(depth: Int) {
        guard pretty else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    /// Whole doubles within the exactly representable integer range print like integers.
    mutating func writeNumber(_ number: Double) {
        guard number.isFinite else { append("null"); return }
        if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
            output.append(contentsOf: String(Int(number)).utf8)
        } else {
            output.append(utf8: number.description)
        }
    }

    mutating func writeString(_ string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Copy the runs that need no escaping in one go.
            var copied = 0
            while case let index = EscapeScan.firstJSONEscape(in: bytes, from: copied), index < bytes.count {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
                copied = index + 1
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    append("\\u00")
                    output.append(Self.hexDigits[Int(byte >> 4)])
                    output.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
