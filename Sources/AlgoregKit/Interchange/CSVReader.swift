import Foundation

/// Text encodings a CSV file may come in. `detect` reads the byte-order mark, then tries UTF-8
/// and falls back to Windows-1252 (what Excel on Windows writes, and the 2024 US inventory uses).
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case cp1252

    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "utf-16", "utf16": self = .utf16
        case "cp1252", "windows-1252", "latin1", "latin-1", "iso-8859-1": self = .cp1252
        default: return nil
        }
    }

    /// Decodes `bytes`; returns the text and the encoding used.
    public static func decode(_ bytes: [UInt8], as requested: TextEncoding? = nil) -> (text: String, encoding: TextEncoding) {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return (decodeUTF16(bytes.dropFirst(2), bigEndian: bytes[0] == 0xFE), .utf16)
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        switch requested {
        case .cp1252: return (decodeCP1252(body), .cp1252)
        case .utf16: return (decodeUTF16(body, bigEndian: false), .utf16)
        case .utf8: return (String(decoding: body, as: UTF8.self), .utf8)
        case nil:
            if let text = String(validating: body, as: UTF8.self) { return (text, .utf8) }
            return (decodeCP1252(body), .cp1252)
        }
    }

    static func decodeUTF16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
            units.append(bigEndian ? (a << 8 | b) : (b << 8 | a))
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Windows-1252: Latin-1 except 0x80-0x9F, which hold typographic characters.
    static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    static func decodeCP1252(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let code = (0x80...0x9F).contains(byte) ? cp1252High[Int(byte) - 0x80] : UInt32(byte)
            scalars.append(Unicode.Scalar(code)!)
        }
        return String(scalars)
    }
}

/// One cell of a CSV file with where it starts (line and column in the file, 1-based).
public struct CSVCell: Sendable, Equatable {
    public var text: String
    public var location: SourceLocation
}

/// A CSV file read per RFC 4180 (quoted line breaks, doubled quotes, CRLF or LF), keeping the
/// position of every cell for diagnostics.
public struct CSVTable: Sendable {
    public var header: [CSVCell]
    /// Data records (empty records left out); each keeps its 1-based record number in `rowNumbers`.
    public var rows: [[CSVCell]]
    /// The record number of each row, counting the header as row 1 (what a spreadsheet shows).
    public var rowNumbers: [Int]
    public var encoding: TextEncoding
    /// Problems in the CSV structure itself (an unclosed quote).
    public var problems: [(SourceLocation, String)] = []

    public var columns: [String] { header.map { $0.text.trimmed } }
}

public enum CSVReader {
    public static func read(_ bytes: [UInt8], encoding: TextEncoding? = nil) -> CSVTable {
        let (text, used) = TextEncoding.decode(bytes, as: encoding)
        return parse(text, encoding: used)
    }

    public static func parse(_ text: String, encoding: TextEncoding = .utf8) -> CSVTable {
        var records: [[CSVCell]] = []
        var record: [CSVCell] = []
        var field = String.UnicodeScalarView()
        var line = 1, column = 1
        var cellStart = SourceLocation(line: 1, column: 1)
        var inQuotes = false, wasQuoted = false
        var quoteStart = cellStart
        var problems: [(SourceLocation, String)] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func endField() {
            record.append(CSVCell(text: String(field), location: cellStart))
            field = String.UnicodeScalarView()
            wasQuoted = false
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        field.append("\""); i += 2; column += 2; continue
                    }
                    inQuotes = false; i += 1; column += 1; continue
                }
                if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1; continue }
                field.append(c == "\r" ? "\n" : c)
                if c == "\n" || c == "\r" { line += 1; column = 1 } else { column += 1 }
                i += 1
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                inQuotes = true; wasQuoted = true; quoteStart = SourceLocation(line: line, column: column)
                i += 1; column += 1
            case ",":
                endField()
                i += 1; column += 1
                cellStart = SourceLocation(line: line, column: column)
            case "\r", "\n":
                if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endField()
                records.append(record); record = []
                i += 1; line += 1; column = 1
                cellStart = SourceLocation(line: line, column: column)
            default:
                field.append(c); i += 1; column += 1
            }
        }
        if inQuotes { problems.append((quoteStart, "A quoted cell starts here but its closing quote is missing; the rest of the file was read as this one cell.")) }
        if !field.isEmpty || !record.isEmpty || wasQuoted { endField(); records.append(record) }

        var numbered = records.enumerated().filter { !$0.element.allSatisfy { $0.text.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard !numbered.isEmpty else { return CSVTable(header: [], rows: [], rowNumbers: [], encoding: encoding, problems: problems) }
        let header = numbered.removeFirst().element
        return CSVTable(header: header, rows: numbered.map(\.element), rowNumbers: numbered.map { $0.offset + 1 }, encoding: encoding, problems: problems)
    }

    /// Column letters as spreadsheets show them: 1 -> A, 27 -> AA.
    public static func columnLetters(_ index: Int) -> String {
        var n = index, letters = ""
        while n > 0 {
            let r = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            n = (n - 1) / 26
        }
        return letters
    }

    /// RFC 4180 output: cells quoted when they hold a comma, quote or line break (quotes
    /// inside doubled), CRLF after every row. The one CSV writer of every download and export.
    public static func write(_ rows: [[String]]) -> String {
        var output: [UInt8] = []
        for row in rows { appendRow(row, to: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    static func appendRow(_ row: [String], to output: inout [UInt8]) {
        for (index, cell) in row.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendCell(cell, to: &output)
        }
        output.append(contentsOf: [13, 10])
    }

    static func appendCell(_ cell: String, to output: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        var cell = cell
        cell.withUTF8 { bytes in
            // Scanned eight bytes at a time: this runs on every cell of the CSV files and exports.
            guard EscapeScan.firstCSVSpecial(in: bytes, from: 0) < bytes.count else {
                return output.append(contentsOf: bytes)
            }
            output.append(quote)
            defer { output.append(quote) }
            // Cells with quotes are mostly JSON text (lists of groups): memchr finds them.
            var copied = 0
            while copied < bytes.count, let found = memchr(bytes.baseAddress! + copied, Int32(quote), bytes.count - copied) {
                let index = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...index]))
                output.append(quote)
                copied = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        }
    }
}
