/// Checks of the annual report's inputs: the action plan (`plan.yaml`) and the report
/// narratives (`reports/<year>.md`), with the same schema validator and messages as entries.
enum ReportInputChecks {
    static let planSchema: JSONSchema = compile(ActionPlan.schemaText)
    static let narrativeSchema: JSONSchema = compile(ReportNarrative.schemaText)

    static func compile(_ text: String) -> JSONSchema {
        let (value, _) = YAMLLoader.load(text)
        return JSONSchema.compile(value!).schema!
    }

    /// The plan when it is valid; its problems go to `diagnostics`.
    static func checkPlan(_ document: Document?, settings: Settings?, diagnostics: inout [Diagnostic]) -> ActionPlan? {
        guard let document else { return nil }
        let file = document.file.displayPath
        let root = Value(.object(document.fields), at: document.fieldsLocation)
        let messages = ViolationMessages(file: file)
        var problems = messages.diagnostics(for: planSchema.validate(root), in: root)
        let initiatives = (document.fields["initiatives"]?.array ?? []).compactMap { $0["id"] }
        var seenInitiatives: Set<String> = []
        for id in initiatives {
            guard let text = id.string else { continue }
            if !seenInitiatives.insert(text).inserted {
                problems.append(Diagnostic(file: file, location: id.location, code: .duplicateAction,
                    message: "Two initiatives have the id `\(text)`.", fix: "Give each initiative its own id."))
            }
        }
        let knownDepartments = settings.map { Set($0.departments.map(\.id)) }
        var seenActions: Set<String> = []
        for action in document.fields["actions"]?.array ?? [] {
            if let id = action["id"], let text = id.string, !seenActions.insert(text).inserted {
                problems.append(Diagnostic(file: file, location: id.location, code: .duplicateAction,
                    message: "Two actions have the id `\(text)`.", fix: "Give each action its own id; ids stay the same from year to year."))
            }
            if let initiative = action["initiative"], let text = initiative.string, !seenInitiatives.contains(text) {
                problems.append(Diagnostic(file: file, location: initiative.location, code: .unknownInitiative,
                    message: "The initiative `\(text)` is not one of the plan's initiatives.",
                    fix: (Suggest.closest(to: text, in: Array(seenInitiatives)).map { "Did you mean `\($0)`? " } ?? "")
                        + "Initiatives: \(seenInitiatives.sorted().map { "`\($0)`" }.joined(separator: ", ")); add it under `initiatives`."))
            }
            if let knownDepartments, let department = action["department"], let id = department.string, !knownDepartments.contains(id) {
                problems.append(Diagnostic(file: file, location: department.location, code: .unknownDepartment,
                    message: "The department `\(id)` is not declared in register.yaml.",
                    fix: (Suggest.closest(to: id, in: Array(knownDepartments)).map { "Did you mean `\($0)`? " } ?? "")
                        + "Declared departments: \(knownDepartments.sorted().map { "`\($0)`" }.joined(separator: ", ")); add a new one under `departments` in register.yaml."))
            }
        }
        diagnostics += problems
        guard !problems.hasErrors else { return nil }
        return ActionPlan(document.fields, file: file)
    }

    /// The narratives that are valid, sorted by year, with their translations.
    static func checkNarratives(_ files: [EntryFile], languages: [String], diagnostics: inout [Diagnostic]) -> [ReportNarrative] {
        var narratives: [ReportNarrative] = []
        for file in files where file.language == nil {
            let document = file.document
            let path = document.file.displayPath
            let root = Value(.object(document.fields), at: document.fieldsLocation)
            let messages = ViolationMessages(file: path)
            var problems = messages.diagnostics(for: narrativeSchema.validate(root), in: root)
            if let year = document.fields["year"], let number = year.double, "\(Int(number))" != file.id {
                problems.append(Diagnostic(file: path, location: year.location, code: .reportYearMismatch,
                    message: "The year \(Int(number)) does not match the file name `\(file.id).md`.",
                    fix: "Write `year: \(file.id)`, or rename the file to `\(Int(number)).md`."))
            }
            diagnostics += problems
            if !problems.hasErrors { narratives.append(ReportNarrative(document.fields, body: document.body, file: path)) }
        }
        // A translation carries the narrative's text in one language; its title and foreword
        // are given per language in the narrative itself.
        for file in files {
            guard let language = file.language else { continue }
            let path = file.document.file.displayPath
            for member in file.document.fields.members {
                diagnostics.append(Diagnostic(file: path, location: member.keyLocation, code: .untranslatableField,
                    message: "`\(member.key)` does not belong in a translated narrative: it holds only the translated text.",
                    fix: "Give the title and foreword per language in `\(file.id).md` (e.g. `title: {en: ..., \(language): ...}`) and remove them here."))
            }
            guard languages.isEmpty || languages.contains(language) else {
                diagnostics.append(Diagnostic(file: path, location: nil, code: .unknownLanguage,
                    message: "The language `\(language)` is not one of the register's languages (\(languages.joined(separator: ", "))).",
                    fix: "Add `\(language)` to `languages` in register.yaml, or rename the file."))
                continue
            }
            guard let index = narratives.firstIndex(where: { String($0.year) == file.id }) else {
                if !files.contains(where: { $0.id == file.id && $0.language == nil }) {
                    diagnostics.append(Diagnostic(file: path, location: nil, code: .orphanTranslation,
                        message: "This translates the \(file.id) report narrative, which does not exist.",
                        fix: "Write `\(file.id).md` first, or rename this file after an existing year."))
                }
                continue
            }
            narratives[index].translatedBodies[language] = file.document.body
        }
        return narratives.sorted { $0.year < $1.year }
    }
}
