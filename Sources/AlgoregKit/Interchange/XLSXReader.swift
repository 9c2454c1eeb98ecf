import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first worksheet of an Excel `.xlsx` file (a zip of SpreadsheetML) into the same
/// table the CSV reader gives, so imports treat both alike. Cell locations are the sheet's
/// row number and column index, as a spreadsheet shows them.
public enum XLSXReader {
    /// True for the bytes of a zip archive, which is what an `.xlsx` file is.
    public static func looksLikeXLSX(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    public enum Failure: Error, Equatable {
        case notAWorkbook(String)
    }

    public static func read(_ data: Data) throws(Failure) -> CSVTable {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw .notAWorkbook("The file is not a readable .xlsx workbook (the zip archive cannot be opened).")
        }
        func contents(_ path: String) -> Data? {
            guard let entry = archive[path] else { return nil }
            var bytes = Data()
            _ = try? archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            return bytes
        }
        let sharedStrings = contents("xl/sharedStrings.xml").map(SharedStringsParser.parse) ?? []
        guard let sheetPath = firstWorksheetPath(archive: archive, contents: contents), let sheet = contents(sheetPath) else {
            throw .notAWorkbook("The workbook has no worksheet.")
        }
        let cells = SheetParser.parse(sheet, sharedStrings: sharedStrings)
        return table(from: cells)
    }

    /// The first sheet in the workbook's order, through its relationship; else the first
    /// `xl/worksheets/*.xml` by name.
    static func firstWorksheetPath(archive: Archive, contents: (String) -> Data?) -> String? {
        if let workbook = contents("xl/workbook.xml").flatMap({ String(data: $0, encoding: .utf8) }),
           let relations = contents("xl/_rels/workbook.xml.rels").flatMap({ String(data: $0, encoding: .utf8) }),
           let sheet = workbook.firstMatch(of: /<sheet\b[^>]*\br:id="([^"]+)"/),
           let relation = relations.firstMatch(of: try! Regex("<Relationship\\b[^>]*Id=\"\(NSRegularExpression.escapedPattern(for: String(sheet.output.1)))\"[^>]*Target=\"([^\"]+)\"")),
           let target = relation.output[1].substring {
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            if archive[path] != nil { return path }
        }
        return archive.map(\.path).filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") }.sorted().first
    }

    /// Rows of cells (by 1-based row and column) into a header and records, filling gaps.
    static func table(from cells: [(row: Int, column: Int, text: String)]) -> CSVTable {
        let byRow = Dictionary(grouping: cells, by: \.row)
        let rows = byRow.keys.sorted()
        guard let headerRow = rows.first else { return CSVTable(header: [], rows: [], rowNumbers: [], encoding: .utf8) }
        let width = cells.map(\.column).max() ?? 0
        func record(_ row: Int) -> [CSVCell] {
            var line = (1...max(width, 1)).map { CSVCell(text: "", location: SourceLocation(line: row, column: $0)) }
            for cell in byRow[row] ?? [] where cell.column <= width { line[cell.column - 1].text = cell.text }
            return line
        }
        var header = record(headerRow)
        // Trailing columns without a header carry nothing we can name.
        while let last = header.last, last.text.trimmed.isEmpty, header.count > 1 { header.removeLast() }
        let data = rows.dropFirst().map { Array(record($0).prefix(header.count)) }.filter { !$0.allSatisfy { $0.text.trimmed.isEmpty } }
        let numbers = rows.dropFirst().filter { row in !(byRow[row] ?? []).allSatisfy { $0.text.trimmed.isEmpty } }
        return CSVTable(header: header, rows: data, rowNumbers: numbers, encoding: .utf8)
    }

    /// "AB12" -> column 28.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard scalar >= "A" && scalar <= "Z" else { break }
            index = index * 26 + Int(scalar.value - 64)
        }
        return index > 0 ? index : nil
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is one string, made of its `<t>` texts (rich-text runs
/// included, phonetic `<rPh>` runs left out).
private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var phonetic = 0

    static func parse(_ data: Data) -> [String] {
        let delegate = SharedStringsParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "si": current = ""
        case "rPh": phonetic += 1
        case "t": inText = phonetic == 0
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "rPh": phonetic -= 1
        case "t": inText = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

/// A worksheet: cells with their reference (`B7`), type (`s` shared string, `inlineStr`, `b`
/// boolean, `str` formula text, else a number) and value.
private final class SheetParser: NSObject, XMLParserDelegate {
    let sharedStrings: [String]
    var cells: [(row: Int, column: Int, text: String)] = []
    var row = 0
    var column = 0
    var type = ""
    var value = ""
    var collecting = false

    init(sharedStrings: [String]) { self.sharedStrings = sharedStrings }

    static func parse(_ data: Data, sharedStrings: [String]) -> [(row: Int, column: Int, text: String)] {
        let delegate = SheetParser(sharedStrings: sharedStrings)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.cells
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "row":
            row = attributes["r"].flatMap(Int.init) ?? row + 1
            column = 0
        case "c":
            let reference = attributes["r"] ?? ""
            column = XLSXReader.columnIndex(reference) ?? column + 1
            type = attributes["t"] ?? ""
            value = ""
        case "v", "t":
            collecting = true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t":
            collecting = false
        case "c":
            let text: String
            switch type {
            case "s": text = Int(value.trimmed).flatMap { $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? ""
            case "b": text = value.trimmed == "1" ? "TRUE" : "FALSE"
            default: text = value
            }
            if !text.isEmpty { cells.append((row, column, text)) }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { value += string }
    }
}
