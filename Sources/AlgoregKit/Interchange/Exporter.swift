import Foundation

/// The public register in another format's columns: CSV per preset, and ATS JSON. What a
/// format cannot carry is listed, never dropped silently.
public enum Exporter {
    public static let formats = ImportPreset.names + ["ats-json"]

    public struct Output: Sendable {
        public var text: String
        /// Each public value the format has no place for or changes.
        public var notCarried: [NotCarried]
    }

    /// A public value an export cannot carry as it is: which system, and what happens to it.
    public struct NotCarried: Sendable, Equatable, CustomStringConvertible {
        public var id: String
        /// e.g. "`status` has no column in nyc-ll35".
        public var what: String
        public var description: String { "\(id): \(what)" }
    }

    /// One line per kind of loss, with how many systems it touches and the first few of them:
    /// a register of thousands would otherwise print a line per system and field.
    public static func summary(_ losses: [NotCarried], examples: Int = 3) -> [String] {
        var order: [String] = []
        var systems: [String: [String]] = [:]
        for loss in losses {
            if systems[loss.what] == nil { order.append(loss.what) }
            systems[loss.what, default: []].append(loss.id)
        }
        return order.map { what in
            let ids = systems[what]!
            let shown = ids.prefix(examples).joined(separator: ", ")
            let more = ids.count > examples ? " and \(ids.count - examples) more" : ""
            return "\(what): \(ids.count) system\(ids.count == 1 ? "" : "s") (\(shown)\(more))"
        }
    }

    public static func export(_ register: PublicRegister, format: String, listLosses: Bool = true) -> Output? {
        var sink = ByteSink()
        guard let notCarried = export(register, format: format, listLosses: listLosses, into: &sink) else { return nil }
        return Output(text: String(decoding: sink.bytes, as: UTF8.self), notCarried: notCarried)
    }

    /// The export as UTF-8 bytes, made row by row into the sink; returns what was not carried,
    /// or nil for a format there is no such export for. `parts`: each system's part key, by
    /// position (`ByteSink.part`); a reused part's losses are not listed, so only without losses.
    static func export(_ register: PublicRegister, format: String, listLosses: Bool, parts: [PartKey?]? = nil, into sink: inout ByteSink) -> [NotCarried]? {
        precondition(parts == nil || !listLosses, "a part copied from the previous file lists no losses")
        if format == "ats-json" { return atsJSON(register, listLosses: listLosses, parts: parts, into: &sink) }
        guard let preset = ImportPreset.named(format) else { return nil }
        var rows = Rows(register, preset: preset, listLosses: listLosses)
        CSVReader.appendRow(rows.header, to: &sink.bytes)
        for (position, system) in register.systems.enumerated() {
            sink.part(parts?[position]) { sink in CSVReader.appendRow(rows.cells(system), to: &sink.bytes) }
            sink.drainIfFull()
        }
        return rows.notCarried
    }

    /// What fills a column: a field through its mapping, or one value for every row.
    enum ColumnSource {
        /// The mapping, and its field's path split once (`a.b`: the field, then a member of it).
        case field(ColumnMapping, path: [HashedKey])
        case constant(String)
    }

    /// A system's row in a preset's columns, one system at a time; with `listLosses`, also
    /// what did not fit (the site's copies skip that work: nobody reads it there).
    struct Rows {
        let header: [String]
        private(set) var notCarried: [NotCarried] = []
        private let sources: [ColumnSource]
        private let carriedFields: Set<String>
        private let presetName: String
        private let listLosses: Bool
        private var row: [String] = []

        init(_ register: PublicRegister, preset: ImportPreset, listLosses: Bool) {
            let mappings = Dictionary(preset.mappings.map { ($0.column, $0) }, uniquingKeysWith: { first, _ in first })
            let language = register.settings.defaultLanguage
            let organization = register.settings.organization.text(language, fallback: language)
            let departmentColumn = preset.mapping(forField: "department")?.column
            header = preset.columns
            carriedFields = Set(preset.mappings.map { String($0.field.split(separator: ".")[0]) })
            presetName = preset.name
            self.listLosses = listLosses
            sources = preset.columns.map { column in
                if let mapping = mappings[column] { return .field(mapping, path: mapping.field.split(separator: ".").map { HashedKey(String($0)) }) }
                // Columns without a field that the register can still fill.
                switch (preset.name, column) {
                case ("us-2025", "agency_name"), ("ats-0.3.1", "organization"): return .constant(organization)
                // The Dutch column holds the department when a mapping puts it there.
                case ("nl-1.0", "organization") where departmentColumn != column: return .constant(organization)
                case ("nyc-ll35", "year"): return .constant(String(register.contentDate.prefix(4)))
                case ("ats-0.3.1", "standard_version"): return .constant("0.3.1")
                case ("nl-1.0", "standard_version"): return .constant("1.0")
                case ("ats-0.3.1", "lang"): return .constant(language)
                case ("nl-1.0", "lang"): return .constant(language == "nl" ? "nld" : language)
                default: return .constant("")
                }
            }
            row.reserveCapacity(sources.count)
        }

        /// The system's cells, in the header's order.
        mutating func cells(_ system: PublicRegister.System) -> [String] {
            row.removeAll(keepingCapacity: true)
            for source in sources {
                switch source {
                case .constant(let value):
                    row.append(value)
                case .field(let mapping, let path):
                    let (cell, loss) = exportCell(system, mapping: mapping, path: path, checkLoss: listLosses)
                    row.append(cell)
                    if let loss { notCarried.append(NotCarried(id: system.id, what: loss)) }
                }
            }
            if listLosses {
                for member in system.fields.members where !carriedFields.contains(member.key) && member.key != "draft" {
                    notCarried.append(NotCarried(id: system.id, what: "`\(member.key)` has no column in \(presetName)"))
                }
            }
            return row
        }
    }

    /// The cell for one mapping, and what was lost making it.
    static func exportCell(_ system: PublicRegister.System, mapping: ColumnMapping, path: [HashedKey], checkLoss: Bool = true) -> (String, String?) {
        switch mapping.field {
        case "id": return (system.id, nil)
        case "body": return (system.body.trimmed, nil)
        default: break
        }
        var value = system.lazyFields[path[0]]
        for key in path.dropFirst() { value = value?.object?[key] }
        guard let value, !value.isNull else { return ("", nil) }
        switch mapping.kind {
        case .enumeration(_, let export):
            let s = value.string ?? ""
            if export.isEmpty { return (s, nil) }
            guard let out = export[s] else { return ("", "`\(mapping.field)` value `\(s)` has no \(mapping.column) value") }
            guard checkLoss else { return (out, nil) }
            let back = Importer.recode(out, table: { if case .enumeration(let t, _) = mapping.kind { return t } else { return [:] } }(), allowed: [])
            if case .value(let v) = back, v.string != s { return (out, "`\(mapping.field)` `\(s)` is written as \"\(out)\", which reads back as `\(v.string ?? "")`") }
            return (out, nil)
        case .boolean(_, let export):
            guard let b = value.bool else { return ("", nil) }
            return (export[b] ?? (b ? "true" : "false"), nil)
        case .yearMonth(let separator):
            return ((value.string ?? "").replacingEvery("-", with: separator), nil)
        case .list:
            return ((value.array ?? []).map { $0.string ?? $0.jsonText(pretty: false) }.joined(separator: "; "), nil)
        case .links:
            return (value.jsonText(pretty: false), nil)
        case .text, .html, .date:
            if let s = value.string { return (s.trimmed, nil) }
            if let b = value.bool { return (b ? "true" : "false", nil) }
            if let items = value.array, items.allSatisfy({ $0.string != nil }) { return (items.compactMap(\.string).joined(separator: "; "), nil) }
            return (value.jsonText(pretty: false), nil)
        }
    }

    /// ATS 0.3.1 JSON: one object per system with the standard's field names.
    static func atsJSON(_ register: PublicRegister, listLosses: Bool, parts: [PartKey?]?, into sink: inout ByteSink) -> [NotCarried] {
        let document = Value(.object(Object([
            Member(key: "standard", value: Value(.string("Algorithmic Transparency Standard"))),
            Member(key: "standard_version", value: Value(.string("0.3.1"))),
            Member(key: "systems", value: Value(.array([]))),
        ])))
        var splice = PrettyJSONSplice(document, into: &sink)
        var rows = Rows(register, preset: ImportPreset.ats031, listLosses: listLosses)
        for (position, system) in register.systems.enumerated() {
            splice.appendPart(parts?[position], into: &sink) {
                // The preset's columns are distinct (a test checks), so no object needs making.
                let members = zip(rows.header, rows.cells(system)).compactMap { column, cell in cell.isEmpty ? nil : (key: column, value: cell) }
                return Value.prettyJSONObject(ofStrings: members)
            }
        }
        splice.finish(into: &sink)
        return rows.notCarried
    }

    /// Validates the register and streams the export, a megabyte at a time, to the file `open`
    /// gives. `open` is called only when the register has no errors, so a failed export writes
    /// nothing. Returns what was not carried, or nil when the register has errors.
    public static func export(registry: String, format: String,
                              to open: () throws -> FileHandle) throws -> (notCarried: [NotCarried]?, diagnostics: [Diagnostic]) {
        let validation = RegisterValidator.validate(registry)
        guard let register = validation.register else { return (nil, validation.diagnostics) }
        let publicRegister = PublicRegister(register, history: .none)
        let handle = try open()
        var writeError: Error?
        var sink = ByteSink { buffer in
            guard writeError == nil else { return }
            do { try handle.write(contentsOf: Data(buffer: buffer)) } catch { writeError = error }
        }
        let notCarried = export(publicRegister, format: format, listLosses: true, into: &sink) ?? []
        sink.flush()
        if let writeError { throw writeError }
        return (notCarried, validation.diagnostics)
    }

    /// The formats by the size of their export, largest first (at 10,000 systems: 66, 58, 39,
    /// 13 and 12 MB), for making them on all cores.
    static let formatsLargestFirst = ["ats-json", "ats-0.3.1", "nyc-ll35", "nl-1.0", "us-2025"]

    /// Every export as a file of the site (`data/export/`), largest first.
    /// `parts`: each system's part key, by position (`ByteSink.part`).
    static func siteFiles(_ register: PublicRegister, parts: [PartKey?]) -> [SiteBuilder.DataFile] {
        formatsLargestFirst.map { format in
            SiteBuilder.DataFile("data/export/\(format).\(format == "ats-json" ? "json" : "csv")") { sink in
                _ = export(register, format: format, listLosses: false, parts: parts, into: &sink)
            }
        }
    }
}
