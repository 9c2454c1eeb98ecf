import Foundation

/// What `algoreg import` did, for the summary it prints.
public struct ImportSummary: Sendable {
    public var source = ""
    public var format = ""
    public var encoding = TextEncoding.utf8
    public var rowsRead = 0
    public var written: [String] = []
    public var drafts: [String] = []
    public var updated: [String] = []
    /// Rows folded into an earlier row of the same tool.
    public var mergedRows = 0
    public var skipped: [(what: String, reason: String)] = []
    public var valuesRecoded = 0
    /// Each value that could not be recoded: row, column and the value (also a diagnostic).
    public var unrecognised: [String] = []
    public var unmappedColumns: [String] = []
    public var departmentsAdded: [String] = []
    public var dryRun = false

    public var lines: [String] {
        var out: [String] = []
        out.append("Rows read: \(rowsRead) (\(source), \(format), \(encoding.rawValue)).")
        out.append("Entries written: \(written.count)\(drafts.isEmpty ? "" : " (\(drafts.count) as drafts: required fields missing)"); updated: \(updated.count); rows merged into an earlier row: \(mergedRows); skipped: \(skipped.count).")
        for skip in skipped { out.append("  skipped \(skip.what): \(skip.reason)") }
        out.append("Values recoded: \(valuesRecoded); not recognised: \(unrecognised.count)\(unrecognised.isEmpty ? "." : ":")")
        for item in unrecognised { out.append("  \(item)") }
        out.append("Columns kept unmapped in `imported`: \(unmappedColumns.isEmpty ? "none" : unmappedColumns.joined(separator: ", ")).")
        if !departmentsAdded.isEmpty { out.append("Departments added to register.yaml: \(departmentsAdded.joined(separator: ", ")).") }
        if dryRun { out.append("Dry run: nothing was written.") }
        return out
    }
}

public struct ImportOptions: Sendable {
    public var registry: String
    public var dryRun: Bool
    public var update: Bool
    public var encoding: TextEncoding?
    /// How the source file is named in diagnostics and in `imported.source`.
    public var displayPath: String?

    public init(registry: String = "Registry", dryRun: Bool = false, update: Bool = false, encoding: TextEncoding? = nil, displayPath: String? = nil) {
        self.registry = registry
        self.dryRun = dryRun
        self.update = update
        self.encoding = encoding
        self.displayPath = displayPath
    }
}

/// CSV rows -> Markdown entries: recoding, merging repeated tools, stable ids, drafts, and the
/// departments the register does not know yet.
public enum Importer {
    public struct Result: Sendable {
        public var summary: ImportSummary
        public var diagnostics: [Diagnostic]
    }

    /// One tool gathered from one or more rows.
    struct Pending {
        var sourceID: String?
        var name: String?
        var fields = Object()
        var body: String?
        var columns = Object()
        var years: [String] = []
        var department: (id: String, name: String)?
        var carried: Set<String> = []
    }

    public static func run(file: String, preset: ImportPreset, options: ImportOptions) -> Result {
        let display = options.displayPath ?? file
        var summary = ImportSummary()
        summary.source = display
        summary.format = preset.name
        summary.dryRun = options.dryRun
        var diagnostics: [Diagnostic] = []
        func fail(_ message: String, _ fix: String?) -> Result {
            diagnostics.append(Diagnostic(file: display, location: nil, code: .importUnreadable, message: message, fix: fix))
            return Result(summary: summary, diagnostics: diagnostics)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            return fail("The file `\(display)` cannot be read.", "Check the path and that you may read it.")
        }
        let bytes = [UInt8](data)
        let table: CSVTable
        if XLSXReader.looksLikeXLSX(bytes) {
            do { table = try XLSXReader.read(data) } catch {
                switch error {
                case .notAWorkbook(let message):
                    return fail(message, "Save the sheet again as an Excel workbook (.xlsx) or as CSV (UTF-8).")
                }
            }
            summary.source += " (xlsx)"
        } else {
            table = CSVReader.read(bytes, encoding: options.encoding)
        }
        summary.encoding = table.encoding
        for (location, message) in table.problems {
            diagnostics.append(Diagnostic(file: display, location: location, code: .importUnreadable, message: message, fix: "Close the quote, or double each quote inside a quoted cell (\"\")."))
        }

        // The register: schema for enumerations and required fields, settings for departments.
        let loaded = RegisterLoader.load(options.registry)
        var schemaProblems: [Diagnostic] = []
        guard let schema = RegisterValidator.compileEntrySchema(loaded.schema, diagnostics: &schemaProblems) else {
            diagnostics += schemaProblems.isEmpty ? loaded.diagnostics.filter { $0.severity == .error } : schemaProblems
            return fail("The register's schema cannot be used, so nothing was imported.", "Run `algoreg validate` and fix the schema first.")
        }

        // Columns: the preset's, matched by trimmed, case-insensitive header.
        let headers = table.columns
        var columnIndex: [String: Int] = [:]
        for (i, h) in headers.enumerated() where columnIndex[h.lowercased()] == nil { columnIndex[h.lowercased()] = i }
        var mapped: [(Int, ColumnMapping)] = []
        for mapping in preset.mappings {
            if let i = columnIndex[mapping.column.lowercased()] { mapped.append((i, mapping)) }
        }
        let mappedIndexes = Set(mapped.filter { !$0.1.field.hasPrefix("imported.") }.map(\.0))
        let yearIndex = preset.yearColumn.flatMap { columnIndex[$0.lowercased()] }
        summary.unmappedColumns = headers.enumerated().filter { !mappedIndexes.contains($0.offset) && $0.offset != yearIndex && !$0.element.isEmpty }.map(\.element)
        if let nameColumn = preset.nameColumn, columnIndex[nameColumn.lowercased()] == nil, !headers.isEmpty {
            diagnostics.append(Diagnostic(file: display, location: SourceLocation(line: 1, column: 1), severity: .warning, code: .importMissingColumn,
                message: "The file has no `\(nameColumn)` column, which the \(preset.name) format names each system in.",
                fix: Suggest.closest(to: nameColumn, in: headers).map { "Is `\($0)` that column? Rename its header." } ?? "Check that the file is in the \(preset.name) format (`--format`)."))
        }

        var pending: [Pending] = []
        var positionByKey: [String: Int] = [:]
        for (rowOffset, row) in table.rows.enumerated() {
            summary.rowsRead += 1
            let rowNumber = table.rowNumbers[rowOffset]
            var item = Pending()
            func cell(_ i: Int) -> CSVCell? { i < row.count ? row[i] : nil }
            for (i, mapping) in mapped {
                guard let cell = cell(i) else { continue }
                let raw = cell.text
                let trimmed = raw.trimmed
                if trimmed.isEmpty { continue }
                let field = schema.field(mapping.field.split(separator: ".").first.map(String.init) ?? mapping.field)
                switch convert(raw, mapping: mapping, field: field, schema: schema) {
                case .value(let value):
                    if let text = value.string, text != raw { summary.valuesRecoded += 1 }
                    else if value.string == nil && !(mapping.field.hasPrefix("imported.")) { summary.valuesRecoded += 1 }
                    switch mapping.field {
                    case "id": item.sourceID = value.string
                    case "department":
                        let name = value.string ?? trimmed
                        item.department = (RegisterLoader.slug(name), name)
                        item.fields.set(Member(key: "department", value: Value(.string(RegisterLoader.slug(name)))))
                        item.carried.insert("department")
                    case "body": item.body = value.string
                    case let path where path.hasPrefix("imported.columns."):
                        item.columns.set(Member(key: String(path.dropFirst("imported.columns.".count)), value: value))
                    default:
                        if mapping.field == "name" { item.name = value.string }
                        setPath(mapping.field, value, in: &item.fields)
                        item.carried.insert(String(mapping.field.split(separator: ".")[0]))
                    }
                case .unknown:
                    summary.valuesRecoded += 1
                    if mapping.field.hasPrefix("imported.") { break }
                    item.fields.remove(mapping.field)
                case .unrecognised(let hint):
                    let where_ = "row \(rowNumber), column \(CSVReader.columnLetters(i + 1)) `\(headers[i])`"
                    summary.unrecognised.append("\(where_): \"\(trimmed)\"")
                    diagnostics.append(Diagnostic(file: display, location: cell.location, severity: .warning, code: .importUnrecognisedValue,
                        message: "The value \"\(trimmed)\" (\(where_)) is not one of the values of \(field.map { "`\($0.key)`" } ?? "`\(mapping.field)`"); it is kept under `imported.columns` instead.",
                        fix: hint))
                    item.columns.set(Member(key: headers[i], value: Value(.string(trimmed))))
                }
            }
            // Every other column is kept as it is.
            for (i, header) in headers.enumerated() where !mappedIndexes.contains(i) && i != yearIndex && !header.isEmpty {
                guard let text = cell(i)?.text.trimmed, !text.isEmpty, item.columns[header] == nil else { continue }
                item.columns.set(Member(key: header, value: Value(.string(Recode.cleanText(text)))))
            }
            if let yearIndex, let year = cell(yearIndex)?.text.trimmed, !year.isEmpty { item.years = [year] }

            let key: String
            if let id = item.sourceID, !RegisterLoader.slug(id).isEmpty { key = "id:" + RegisterLoader.slug(id) }
            else if let name = item.name, !RegisterLoader.slug(name).isEmpty { key = "name:" + RegisterLoader.slug(name) }
            else {
                summary.skipped.append(("row \(rowNumber)", "it has neither an id nor a name"))
                continue
            }
            if let position = positionByKey[key] {
                summary.mergedRows += 1
                merge(item, into: &pending[position])
            } else {
                positionByKey[key] = pending.count
                pending.append(item)
            }
        }

        // Ids: the source id when there is one, else the name; made unique within the import.
        var used: Set<String> = []
        var ids: [String] = []
        for item in pending {
            let base = [item.sourceID, item.name].compactMap { $0.map(RegisterLoader.slug) }.first { !$0.isEmpty } ?? "system"
            var id = base, n = 2
            while used.contains(id) { id = "\(base)-\(n)"; n += 1 }
            used.insert(id)
            ids.append(id)
        }

        // Departments the register does not know yet.
        let settingsFields = loaded.settings?.fields
        let known = Set(settingsFields?["departments"]?.object?.keys ?? [])
        var newDepartments: [(id: String, name: String)] = []
        for item in pending {
            if let d = item.department, !known.contains(d.id), !newDepartments.contains(where: { $0.id == d.id }) { newDepartments.append(d) }
        }
        if let constant = preset.departmentConstant, !known.contains(constant) {
            newDepartments.append((constant, constant))
        }

        // Entries: new files, or updates of existing ones with --update.
        let existing = Dictionary(loaded.entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let systems = URL(fileURLWithPath: options.registry).appendingPathComponent(RegisterLayout.systemsFolder)
        var writes: [(URL, String)] = []
        for (item, id) in zip(pending, ids) {
            var fields = item.fields
            if let constant = preset.departmentConstant, fields["department"] == nil {
                fields.set(Member(key: "department", value: Value(.string(constant))))
            }
            for member in preset.defaults.members where fields[member.key] == nil { fields.set(member) }
            var imported = Object([Member(key: "source", value: Value(.string("\(preset.name): \((display as NSString).lastPathComponent)")))])
            if !item.years.isEmpty { imported.set(Member(key: "years", value: Value(.array(item.years.map { Value(.string($0)) })))) }
            if !item.columns.isEmpty { imported.set(Member(key: "columns", value: Value(.object(item.columns)))) }
            if let file = existing[id] {
                guard options.update else {
                    summary.skipped.append((id, "`\(file.document.file.displayPath)` exists (use --update to change the fields this file carries)"))
                    continue
                }
                var merged = file.document.fields
                for member in fields.members where item.carried.contains(member.key) || file.document.fields[member.key] == nil { merged.set(member) }
                merged.set(Member(key: "imported", value: Value(.object(imported))))
                writes.append((file.document.file.url, document(merged, body: file.document.body)))
                summary.updated.append(id)
                continue
            }
            fields.set(Member(key: "imported", value: Value(.object(imported))))
            var ordered = OpenData.ordered(fields, schema: schema)
            let missing = schema.validator.validate(Value(.object(ordered))).contains { if case .missingRequired = $0.kind { return true } else { return false } }
            if missing {
                ordered.set(Member(key: "draft", value: Value(.bool(true))))
                summary.drafts.append(id)
            }
            let body = item.body.map { Recode.stripHTML($0) } ?? ""
            writes.append((systems.appendingPathComponent("\(id).md"), document(ordered, body: body)))
            summary.written.append(id)
        }
        // register.yaml's edit is made (and read back) before anything is written, so a dry run
        // reports what a real run would do with it.
        let settingsURL = URL(fileURLWithPath: options.registry).appendingPathComponent(RegisterLayout.settingsFile)
        var editedSettings: String?
        if !newDepartments.isEmpty {
            editedSettings = appendDepartments(newDepartments, to: (try? String(contentsOf: settingsURL, encoding: .utf8)) ?? "")
            if editedSettings != nil {
                summary.departmentsAdded = newDepartments.map(\.id)
            } else {
                diagnostics.append(Diagnostic(file: settingsURL.path, location: nil, severity: .warning, code: .importDepartmentsNotAdded,
                    message: "The imported entries use departments that `register.yaml` does not list, and its `departments:` is written in a form Algoreg cannot extend without rewriting it; it was left as it is.",
                    fix: "Add them to `departments:` yourself:\n\(departmentBlock(newDepartments))"))
            }
        }

        guard !options.dryRun else { return Result(summary: summary, diagnostics: diagnostics) }
        do {
            try FileManager.default.createDirectory(at: systems, withIntermediateDirectories: true)
            for (url, text) in writes { try Data(text.utf8).write(to: url) }
            if let editedSettings { try Data(editedSettings.utf8).write(to: settingsURL) }
        } catch {
            diagnostics.append(Diagnostic(file: options.registry, location: nil, code: .outputFailed, message: "Writing the entries failed: \(error.localizedDescription)", fix: nil))
        }
        return Result(summary: summary, diagnostics: diagnostics)
    }

    static func document(_ fields: Object, body: String) -> String {
        "---\n" + YAMLEmitter.emit(fields) + "---\n" + (body.isEmpty ? "" : body.hasSuffix("\n") ? body : body + "\n")
    }

    /// Later rows (later report years) win for the values they carry; lists and years are joined.
    static func merge(_ item: Pending, into target: inout Pending) {
        for member in item.fields.members { target.fields.set(member) }
        for member in item.columns.members { target.columns.set(member) }
        if let body = item.body { target.body = body }
        if target.sourceID == nil { target.sourceID = item.sourceID }
        if let department = item.department { target.department = department }
        target.carried.formUnion(item.carried)
        for year in item.years where !target.years.contains(year) { target.years.append(year) }
    }

    static func setPath(_ path: String, _ value: Value, in object: inout Object) {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count > 1 else { object.set(Member(key: path, value: value)); return }
        var child = object[parts[0]]?.object ?? Object()
        setPath(parts.dropFirst().joined(separator: "."), value, in: &child)
        object.set(Member(key: parts[0], value: Value(.object(child))))
    }

    enum Converted {
        case value(Value)
        /// Recognised as "not known" (e.g. month 00): the field stays empty.
        case unknown(Value)
        case unrecognised(hint: String?)
    }

    static func convert(_ raw: String, mapping: ColumnMapping, field: EntrySchema.Field?, schema: EntrySchema) -> Converted {
        let text = Recode.cleanText(raw)
        switch mapping.kind {
        case .text:
            if field?.type == "boolean", let b = Recode.bool(text) { return .value(Value(.bool(b))) }
            if field?.type == "array" { return .value(Value(.array(Recode.list(text).map { Value(.string($0)) }))) }
            if let field, !field.enumeration.isEmpty { return recode(text, table: [:], allowed: field.enumeration) }
            return .value(Value(.string(text)))
        case .html:
            return .value(Value(.string(Recode.stripHTML(text))))
        case .enumeration(let table, _):
            return recode(text, table: table, allowed: field?.enumeration ?? [])
        case .list:
            let items = Recode.list(text)
            if let allowed = field?.enumeration, !allowed.isEmpty {
                var out: [Value] = []
                for item in items {
                    guard case .value(let v) = recode(item, table: [:], allowed: allowed) else { return .unrecognised(hint: nil) }
                    out.append(v)
                }
                return .value(Value(.array(out)))
            }
            return .value(Value(.array(items.map { Value(.string($0)) })))
        case .boolean(let table, _):
            let key = Recode.key(text)
            if let b = table.first(where: { Recode.key($0.key) == key })?.value ?? Recode.bool(text) { return .value(Value(.bool(b))) }
            return .unrecognised(hint: "Write one of: \(Array(Set(table.keys).union(["yes", "no"])).sorted().map { "`\($0)`" }.joined(separator: ", ")).")
        case .yearMonth:
            let (value, recognised) = Recode.yearMonth(text)
            if let value { return .value(Value(.string(value))) }
            if recognised { return .unknown(Value(.null)) }
            return .unrecognised(hint: "Write the year and month, e.g. 2021/04 or 2021-04.")
        case .date:
            if let date = Recode.date(text) { return .value(Value(.string(date))) }
            return .unrecognised(hint: "Write the date as YYYY-MM-DD.")
        case .links:
            if let value = try? Value.parseJSON(text), let items = value.array {
                let links = items.compactMap { item -> Value? in
                    guard let title = item["title"]?.string, let link = item["link"]?.string else { return nil }
                    return Value(.object(Object([Member(key: "title", value: Value(.string(title))), Member(key: "link", value: Value(.string(link)))])))
                }
                if links.count == items.count { return .value(Value(.array(links))) }
            }
            return .unrecognised(hint: "Write a JSON list of {\"title\": ..., \"link\": ...}.")
        }
    }

    /// Recoding tables keyed by `Recode.key`, built once per table (keys are costly to compute).
    final class KeyCache: @unchecked Sendable {
        let lock = NSLock()
        var tables: [[String]: [String: String]] = [:]
        var keys: [String: String] = [:]

        /// `Recode.key`, remembered: the same few values fill whole columns.
        func key(_ text: String) -> String {
            lock.lock()
            if let hit = keys[text] { lock.unlock(); return hit }
            lock.unlock()
            let computed = Recode.key(text)
            lock.lock(); keys[text] = computed; lock.unlock()
            return computed
        }

        func keyed(_ pairs: [(String, String)]) -> [String: String] {
            let id = pairs.flatMap { [$0.0, $0.1] }
            lock.lock(); defer { lock.unlock() }
            if let hit = tables[id] { return hit }
            var out: [String: String] = [:]
            for (from, to) in pairs where out[Recode.key(from)] == nil { out[Recode.key(from)] = to }
            tables[id] = out
            return out
        }
    }
    static let cache = KeyCache()

    static func recode(_ text: String, table: [String: String], allowed: [String]) -> Converted {
        let key = cache.key(text)
        if let hit = cache.keyed(table.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })[key] { return .value(Value(.string(hit))) }
        if let hit = cache.keyed(allowed.map { ($0, $0) })[key] { return .value(Value(.string(hit))) }
        let suggestion = Suggest.closest(to: key, in: allowed)
        return .unrecognised(hint: (suggestion.map { "Did you mean `\($0)`? " } ?? "") + "Allowed: \(allowed.map { "`\($0)`" }.joined(separator: ", ")); or add a recoding in a mapping file (`--map`).")
    }

    /// Adds departments to register.yaml by inserting lines after the `departments:` block (or
    /// entries before the closing brace of a one-line `departments: {…}`), so its comments and
    /// formatting stay as they are. Nil when the text cannot be edited that way, or when the
    /// result would not read back with every department in it: register.yaml is then left alone.
    static func appendDepartments(_ departments: [(id: String, name: String)], to text: String) -> String? {
        guard let edited = insertDepartments(departments, into: text),
              let read = YAMLLoader.load(edited).value?["departments"]?.object,
              departments.allSatisfy({ read[$0.id]?["name"]?.string == $0.name }) else { return nil }
        return edited
    }

    /// Departments as the entries of a block-style `departments:` mapping.
    static func departmentBlock(_ departments: [(id: String, name: String)]) -> String {
        departments.map { "  \($0.id):\n    name: \(YAMLEmitter.string($0.name))" }.joined(separator: "\n")
    }

    private static func insertDepartments(_ departments: [(id: String, name: String)], into text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("departments:") }) else {
            return (lines + ["departments:", departmentBlock(departments)]).joined(separator: "\n") + "\n"
        }
        let inline = lines[start].dropFirst("departments:".count).trimmingCharacters(in: .whitespaces)
        if !inline.isEmpty && !inline.hasPrefix("#") {
            // Only a flow mapping on its one line can take entries; names as JSON strings, which
            // YAML reads as double-quoted scalars whatever they contain.
            guard inline.hasPrefix("{"), inline.hasSuffix("}") else { return nil }
            let entries = departments.map { "\($0.id): {name: \(Value(.string($0.name)).jsonText(pretty: false))}" }.joined(separator: ", ")
            let existing = inline.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            lines[start] = "departments: {" + (existing.isEmpty ? entries : existing + ", " + entries) + "}"
            return lines.joined(separator: "\n") + "\n"
        }
        var end = start
        var indent = "  "
        var i = start + 1
        while i < lines.count {
            let line = lines[i]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix(" ") || line.hasPrefix("#") {
                if line.hasPrefix(" ") {
                    if end == start { indent = String(line.prefix { $0 == " " }) }
                    end = i
                }
                i += 1
            } else { break }
        }
        let inner = indent + indent
        var added: [String] = []
        for department in departments {
            added.append("\(indent)\(department.id):")
            added.append("\(inner)name: \(YAMLEmitter.string(department.name))")
        }
        lines.insert(contentsOf: added, at: end + 1)
        return lines.joined(separator: "\n") + "\n"
    }
}
