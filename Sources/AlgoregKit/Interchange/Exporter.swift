import Foundation

/// The public register in another format's columns: CSV per preset, and ATS JSON. What a
/// format cannot carry is listed, never dropped silently.
public enum Exporter {
    public static let formats = ImportPreset.names + ["ats-json"]

    public struct Output: Sendable {
        public var text: String
        /// "<id>: `field` ..." for each public value the format has no place for or changes.
        public var notCarried: [String]
    }

    public static func export(_ register: PublicRegister, format: String, listLosses: Bool = true) -> Output? {
        if format == "ats-json" { return atsJSON(register, listLosses: listLosses) }
        guard let preset = ImportPreset.named(format) else { return nil }
        return csv(register, preset: preset, listLosses: listLosses)
    }

    static func csv(_ register: PublicRegister, preset: ImportPreset, listLosses: Bool = true) -> Output {
        let table = table(register, preset: preset, listLosses: listLosses)
        return Output(text: CSVReader.write(table.rows), notCarried: table.notCarried)
    }

    /// The header and one row per system in the preset's columns; with `listLosses`, also what
    /// did not fit (the site's copies skip that work: nobody reads it there).
    static func table(_ register: PublicRegister, preset: ImportPreset, listLosses: Bool) -> (rows: [[String]], notCarried: [String]) {
        var rows: [[String]] = [preset.columns]
        var notCarried: [String] = []
        let carriedFields = Set(preset.mappings.map { String($0.field.split(separator: ".")[0]) })
        let mappings = Dictionary(preset.mappings.map { ($0.column, $0) }, uniquingKeysWith: { first, _ in first })
        let organization = register.settings.organization.text(register.settings.defaultLanguage, fallback: register.settings.defaultLanguage)
        let year = String(register.contentDate.prefix(4))
        for system in register.systems {
            var row: [String] = []
            for column in preset.columns {
                guard let mapping = mappings[column] else {
                    // Columns without a field that the register can still fill.
                    switch (preset.name, column) {
                    case ("us-2025", "agency_name"), ("nl-1.0", "organization") where preset.mapping(forField: "department")?.column != column,
                         ("ats-0.3.1", "organization"): row.append(organization)
                    case ("nyc-ll35", "year"): row.append(year)
                    case ("ats-0.3.1", "standard_version"): row.append("0.3.1")
                    case ("nl-1.0", "standard_version"): row.append("1.0")
                    case ("ats-0.3.1", "lang"): row.append(register.settings.defaultLanguage)
                    case ("nl-1.0", "lang"): row.append(register.settings.defaultLanguage == "nl" ? "nld" : register.settings.defaultLanguage)
                    default: row.append("")
                    }
                    continue
                }
                let (cell, loss) = exportCell(system, mapping: mapping, checkLoss: listLosses)
                row.append(cell)
                if let loss { notCarried.append("\(system.id): \(loss)") }
            }
            rows.append(row)
            guard listLosses else { continue }
            for member in system.fields.members where !carriedFields.contains(member.key) && member.key != "draft" {
                notCarried.append("\(system.id): `\(member.key)` has no column in \(preset.name)")
            }
        }
        return (rows, notCarried)
    }

    /// The cell for one mapping, and what was lost making it.
    static func exportCell(_ system: PublicRegister.System, mapping: ColumnMapping, checkLoss: Bool = true) -> (String, String?) {
        switch mapping.field {
        case "id": return (system.id, nil)
        case "body": return (system.body.trimmed, nil)
        default: break
        }
        var value: Value? = Value(.object(system.fields))
        for part in mapping.field.split(separator: ".") { value = value?[String(part)] }
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
    static func atsJSON(_ register: PublicRegister, listLosses: Bool = true) -> Output {
        let table = table(register, preset: ImportPreset.ats031, listLosses: listLosses)
        let columns = table.rows[0]
        let systems = table.rows.dropFirst().map { row in
            Value(.object(Object(zip(columns, row).compactMap { column, cell in
                cell.isEmpty ? nil : Member(key: column, value: Value(.string(cell)))
            })))
        }
        let document = Value(.object(Object([
            Member(key: "standard", value: Value(.string("Algorithmic Transparency Standard"))),
            Member(key: "standard_version", value: Value(.string("0.3.1"))),
            Member(key: "systems", value: Value(.array(systems))),
        ])))
        return Output(text: document.jsonText(pretty: true) + "\n", notCarried: table.notCarried)
    }

    /// Validates the register and exports it; nil register when it has errors.
    public static func export(registry: String, format: String) -> (Output?, [Diagnostic]) {
        let validation = RegisterValidator.validate(registry)
        guard let register = validation.register else { return (nil, validation.diagnostics) }
        let publicRegister = PublicRegister(register, history: .none)
        return (export(publicRegister, format: format), validation.diagnostics)
    }

    /// Writes every export into the site (`data/export/`); returns the number of files.
    static func writeSiteFiles(_ register: PublicRegister, to output: SiteOutput) throws(SiteOutput.Failure) -> Int {
        // The formats are independent: make them on all cores.
        let texts = formats.parallelMap { export(register, format: $0, listLosses: false)?.text }
        for (format, text) in zip(formats, texts) {
            guard let text else { continue }
            try output.write("data/export/\(format).\(format == "ats-json" ? "json" : "csv")", text)
        }
        return formats.count
    }
}
