import Foundation

/// The mapping file of `--format generic`: which column goes to which field, how values are
/// recoded, defaults, and the department. Checked with the JSON Schema validator, so its
/// problems are reported at file:line:column like every other file.
public enum MappingFile {
    static let schemaText = #"""
    $schema: https://json-schema.org/draft/2020-12/schema
    type: object
    additionalProperties: false
    required: [columns]
    properties:
      source: {type: string, minLength: 1, x-label: {en: Source name}}
      id_column: {type: string, minLength: 1, x-label: {en: Id column}}
      name_column: {type: string, minLength: 1, x-label: {en: Name column}}
      department:
        x-label: {en: Department}
        oneOf:
          - {type: object, additionalProperties: false, required: [column], properties: {column: {type: string, minLength: 1}}}
          - {type: object, additionalProperties: false, required: [value], properties: {value: {type: string, pattern: "^[a-z0-9][a-z0-9-]*$"}}}
      imported_public: {type: boolean, x-label: {en: Publish unmapped columns}}
      columns:
        type: object
        minProperties: 1
        x-label: {en: Columns}
        additionalProperties:
          anyOf:
            - {type: string, minLength: 1}
            - type: object
              additionalProperties: false
              required: [field]
              properties:
                field: {type: string, minLength: 1}
                values: {type: object, additionalProperties: {type: [string, boolean]}}
                list: {type: boolean}
      defaults: {type: object, x-label: {en: Defaults}}
    """#

    static let schema: JSONSchema = JSONSchema.compile(YAMLLoader.load(schemaText).value!).schema!

    public static func load(_ path: String, registry: String) -> (ImportPreset?, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [Diagnostic(file: path, location: nil, code: .fileUnreadable, message: "The mapping file `\(path)` cannot be read.", fix: nil)])
        }
        let text = TextEncoding.decode([UInt8](data)).text.replacingOccurrences(of: "\r\n", with: "\n")
        let loaded = RegisterLoader.load(registry)
        var ignored: [Diagnostic] = []
        let entrySchema = RegisterValidator.compileEntrySchema(loaded.schema, diagnostics: &ignored)
        return parse(text, file: path, entrySchema: entrySchema)
    }

    public static func parse(_ text: String, file: String, entrySchema: EntrySchema?) -> (ImportPreset?, [Diagnostic]) {
        let (value, problems) = YAMLLoader.load(text)
        var diagnostics = problems.map { $0.diagnostic(in: file) }
        guard let value else { return (nil, diagnostics) }
        let messages = ViolationMessages(file: file)
        diagnostics += messages.diagnostics(for: schema.validate(value), in: value)
        guard !diagnostics.hasErrors, let root = value.object else { return (nil, diagnostics) }

        let fieldKeys = entrySchema?.fields.map(\.key) ?? []
        var mappings: [ColumnMapping] = []
        var columns: [String] = []
        for member in root["columns"]?.object?.members ?? [] {
            columns.append(member.key)
            let target = member.value.string ?? member.value["field"]?.string ?? ""
            let top = String(target.split(separator: ".").first ?? "")
            let special = ["id", "department", "body"].contains(target) || target.hasPrefix("imported.columns.")
            let field = entrySchema?.field(top)
            if !special && entrySchema != nil && field == nil {
                let location = member.value["field"]?.location ?? member.value.location
                diagnostics.append(Diagnostic(file: file, location: location, code: .importBadMapping,
                    message: "`\(target)` is not a field of an entry (column `\(member.key)`).",
                    fix: Suggest.closest(to: top, in: fieldKeys + ["id", "department", "body"]).map { "Did you mean `\($0)`?" } ?? "Use a field of schema.yaml, or `id`, `department`, `body`."))
                continue
            }
            var kind = ColumnMapping.Kind.text
            let values = member.value["values"]?.object
            if field?.type == "boolean" {
                var table: [String: Bool] = [:]
                for v in values?.members ?? [] {
                    if let b = v.value.bool { table[v.key] = b } else {
                        diagnostics.append(Diagnostic(file: file, location: v.value.location, code: .importBadMapping,
                            message: "`\(target)` is true or false, so `\(v.key)` must be recoded to `true` or `false`.", fix: nil))
                    }
                }
                kind = .boolean(values: table, export: [:])
            } else if field?.type == "array" || member.value["list"]?.bool == true {
                kind = .list
            } else if let field, !field.enumeration.isEmpty || values != nil {
                var table: [String: String] = [:]
                for v in values?.members ?? [] {
                    let to = v.value.string ?? ""
                    if !field.enumeration.isEmpty && !field.enumeration.contains(to) {
                        diagnostics.append(Diagnostic(file: file, location: v.value.location, code: .importBadMapping,
                            message: "`\(to)` is not one of the values of `\(target)`.",
                            fix: (Suggest.closest(to: to, in: field.enumeration).map { "Did you mean `\($0)`? " } ?? "") + "Allowed: \(field.enumeration.map { "`\($0)`" }.joined(separator: ", "))."))
                    }
                    table[v.key] = to
                }
                kind = .enumeration(values: table, export: [:])
            } else if top == "first_used" {
                kind = .yearMonth(separator: "-")
            } else if field?.format == "date" {
                kind = .date
            }
            mappings.append(ColumnMapping(member.key, target, kind))
        }
        if let id = root["id_column"]?.string { mappings.append(ColumnMapping(id, "id")); columns.append(id) }
        if let column = root["department"]?["column"]?.string { mappings.append(ColumnMapping(column, "department")) }
        var defaults = Object()
        for member in root["defaults"]?.object?.members ?? [] {
            if entrySchema != nil && entrySchema?.field(member.key) == nil {
                diagnostics.append(Diagnostic(file: file, location: member.keyLocation, code: .importBadMapping,
                    message: "`\(member.key)` is not a field of an entry.",
                    fix: Suggest.closest(to: member.key, in: fieldKeys).map { "Did you mean `\($0)`?" }))
                continue
            }
            defaults.set(member)
        }
        let nameColumn = root["name_column"]?.string ?? mappings.first { $0.field == "name" }?.column
        var preset = ImportPreset(name: root["source"]?.string ?? "generic", columns: columns, mappings: mappings, nameColumn: nameColumn,
                                  departmentConstant: root["department"]?["value"]?.string)
        preset.defaults = defaults
        preset.importedPublic = root["imported_public"]?.bool ?? false
        return (diagnostics.hasErrors ? nil : preset, diagnostics)
    }
}
