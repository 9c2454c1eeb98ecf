import Foundation

/// What each diagnostic code means, with a wrong and a right example: the text of
/// `algoreg explain <code>`. The switch covers every case, so a new code cannot be added
/// without its explanation.
public struct DiagnosticExplanation: Sendable, Equatable {
    public var code: DiagnosticCode
    /// One or two sentences: what the problem is and why it matters.
    public var meaning: String
    /// A file (or file name, or command) that causes the problem.
    public var wrong: String
    /// The same, fixed.
    public var right: String
}

extension DiagnosticCode {
    public var explanation: DiagnosticExplanation {
        let (meaning, wrong, right) = Self.texts(self)
        return DiagnosticExplanation(code: self, meaning: meaning, wrong: wrong, right: right)
    }

    static func texts(_ code: DiagnosticCode) -> (String, String, String) {
        switch code {
        // Reading files
        case .fileUnreadable:
            return ("A file (or the register folder, register.yaml or schema.yaml) is missing or cannot be read, so nothing in it is checked.",
                    "Registry/\n  systems/parking-scan-cars.md      # register.yaml is missing",
                    "Registry/\n  register.yaml\n  schema.yaml\n  systems/parking-scan-cars.md")
        case .fileTooLarge:
            return ("The file is larger than `max_file_size` in register.yaml (1 MB by default). Entries are text; large files are usually a pasted document or image.",
                    "systems/chatbot.md    2.4 MB, with a PDF pasted into the description",
                    "systems/chatbot.md    6 KB; the PDF is published elsewhere and linked:\n  lawful_basis_links:\n    - {title: Assessment, link: https://veldhaven.example/chatbot.pdf}")
        case .binaryFile:
            return ("The file contains bytes that are not text (for example a Word document or image saved with a .md name).",
                    "systems/chatbot.md    (a .docx file renamed to .md)",
                    "systems/chatbot.md    (plain text: front matter between --- lines, then Markdown)")
        case .invalidUTF8:
            return ("The file is not valid UTF-8, usually because an editor saved it as Latin-1 or Windows-1252; accented letters would come out garbled.",
                    "name: Caf\\xE9 inspections          # saved as Windows-1252",
                    "name: Café inspections           # saved as UTF-8 (\"Save with encoding: UTF-8\")")
        case .emptyFile:
            return ("The file has no content, so it describes no system.",
                    "systems/new-system.md    (0 bytes)",
                    "---\nname: New system\n...\n---\nWhat the system does.")
        case .noFrontMatter:
            return ("An entry must start with its fields in YAML between two lines of three hyphens (the front matter), followed by the Markdown description.",
                    "name: Parking scan cars\nstatus: operational\n\nCars with cameras read licence plates.",
                    "---\nname: Parking scan cars\nstatus: operational\n---\nCars with cameras read licence plates.")
        case .unterminatedFrontMatter:
            return ("The front matter starts with `---` but its closing `---` line is missing, so the fields never end.",
                    "---\nname: Parking scan cars\nstatus: operational\n\nCars with cameras read licence plates.",
                    "---\nname: Parking scan cars\nstatus: operational\n---\nCars with cameras read licence plates.")
        case .badFileName:
            return ("An entry's file name is its id: lowercase letters, digits and hyphens, then `.md` (or `.<language>.md` for a translation).",
                    "systems/Parking Scan Cars (v2).md",
                    "systems/parking-scan-cars.md")
        case .symlinkOutside:
            return ("The file is a symbolic link to a place outside the register folder; it is not read, so the register cannot publish files it does not hold.",
                    "systems/chatbot.md -> /home/anna/drafts/chatbot.md",
                    "systems/chatbot.md    (the file itself, copied into the register)")
        case .strayFile:
            return ("A file in `systems/` that is not a Markdown entry is ignored (a warning).",
                    "systems/chatbot-notes.docx",
                    "systems/chatbot.md    (notes kept outside the register, or in `internal_notes`)")
        // YAML
        case .yamlSyntax:
            return ("The YAML of the front matter (or register.yaml, schema.yaml) cannot be read. The most common causes are a value that contains `: ` or starts with a quote, and wrong indentation.",
                    "goal: Reduce waiting times: most calls are simple\nowner: \"Director of Mobility",
                    "goal: \"Reduce waiting times: most calls are simple\"\nowner: \"Director of Mobility\"")
        case .yamlTab:
            return ("YAML does not allow tabs for indentation; editors often insert them invisibly.",
                    "datasets:\n\t- name: Parking rights      # indented with a tab",
                    "datasets:\n  - name: Parking rights      # indented with two spaces")
        case .duplicateKey:
            return ("The same field appears twice; YAML would silently keep only one of them.",
                    "status: pilot\nname: Parking scan cars\nstatus: operational",
                    "name: Parking scan cars\nstatus: operational")
        case .nonStringKey:
            return ("Field names must be text. A key such as `2024:` or `yes:` is read as a number or boolean.",
                    "2024: first version",
                    "first_used: 2024-03")
        // Entry content against the schema
        case .missingField:
            return ("A field the schema requires is missing. Some fields are required only in a situation, for example `vendor` when `developed_in_house: false`; the message says which rule applies.",
                    "---\nname: Parking scan cars\nstatus: operational\n---",
                    "---\nname: Parking scan cars\nstatus: operational\ndescription_short: Cars with cameras read licence plates in paid parking zones.\n...\n---")
        case .unknownField:
            return ("The field is not in the schema, usually a typing mistake; its value would never be published.",
                    "statsu: operational",
                    "status: operational")
        case .wrongType:
            return ("The value has the wrong kind: text where a list is expected, a list where text is expected, `yes` where true/false is expected, and so on.",
                    "keywords: parking, scan car\ndeveloped_in_house: yes please",
                    "keywords: [parking, scan car]\ndeveloped_in_house: true")
        case .notAllowedValue:
            return ("The field only accepts the values listed in the schema (`enum`); the value is not one of them.",
                    "status: live",
                    "status: operational      # one of: planned, design, development, pilot, evaluation, operational, retired")
        case .wrongFormat:
            return ("The value does not have the form the field requires: a date YYYY-MM-DD, an e-mail address, or a web address.",
                    "publication_date: 3 March 2024\ncontact_email: parking team",
                    "publication_date: 2024-03-03\ncontact_email: parking@veldhaven.example")
        case .impossibleDate:
            return ("The date has the right form but does not exist.",
                    "revision_date: 2025-02-30",
                    "revision_date: 2025-02-28")
        case .patternMismatch:
            return ("The value does not match the pattern the schema sets for the field (for example YYYY-MM, or a lowercase id).",
                    "first_used: March 2021\ndepartment: Mobility",
                    "first_used: 2021-03\ndepartment: mobility")
        case .tooShort:
            return ("The text (or number of characters) is below the field's minimum length; a resident would learn nothing from it.",
                    "goal: Parking.",
                    "goal: Check whether parked cars have paid, so that parking space stays available for residents.")
        case .tooLong:
            return ("The text is longer than the field allows; short fields appear in lists and cards.",
                    "description_short: Cars with cameras drive through the paid parking zones of the city, read every licence plate they pass, look each one up in the register of parking rights and report cars without a right to an inspector.",
                    "description_short: Cars with cameras read licence plates in paid parking zones and check them against the parking rights register.")
        case .outOfRange:
            return ("A number is below the minimum, above the maximum or not a multiple the schema requires.",
                    "accuracy_percent: 140",
                    "accuracy_percent: 94")
        case .tooFewItems:
            return ("A list has fewer items than the field requires.",
                    "datasets: []",
                    "datasets:\n  - name: Parking rights register\n    description: Who has paid or holds a permit.\n    source: City of Veldhaven\n    personal_data: pseudonymised")
        case .tooManyItems:
            return ("A list has more items than the field allows.",
                    "keywords: [a, b, c, d, e, f, g, h, i, j, k, l, m]",
                    "keywords: [parking, scan car, licence plate]")
        case .duplicateItems:
            return ("A list that must hold distinct values has the same value twice.",
                    "keywords: [parking, scan car, parking]",
                    "keywords: [parking, scan car]")
        case .tooFewFields:
            return ("An object has fewer fields than it requires (for example a name per language with no language at all).",
                    "organization: {}",
                    "organization: {en: City of Veldhaven}")
        case .tooManyFields:
            return ("An object has more fields than the schema allows.",
                    "bias_assessment: {method: ..., date: ..., findings: ..., extra1: ..., extra2: ...}",
                    "bias_assessment: {method: ..., date: ..., findings: ...}")
        case .noMatchingOption:
            return ("The field accepts several forms (`anyOf`/`oneOf`) and the value fits none of them, or more than one where exactly one is required. The message names the closest form.",
                    "organization: [City of Veldhaven]",
                    "organization: City of Veldhaven          # or {en: City of Veldhaven, nl: Gemeente Veldhaven}")
        case .forbiddenValue:
            return ("The schema forbids this value or field here (`not`, `const`, or a `false` schema).",
                    "status: retired\nrisk_category: unacceptable risk      # forbidden together by a city rule",
                    "status: retired\nrisk_category: high risk")
        case .badFieldName:
            return ("A name inside an object (for example a department id in register.yaml) does not follow the required pattern.",
                    "departments:\n  Mobility & Parking: {name: Mobility}",
                    "departments:\n  mobility: {name: Mobility and Parking}")
        // The schema file itself
        case .schemaUnknownKeyword:
            return ("schema.yaml uses a keyword that JSON Schema does not have (often a typing mistake). Algoreg's own annotations start with `x-`.",
                    "status:\n  type: string\n  enums: [planned, operational]",
                    "status:\n  type: string\n  enum: [planned, operational]")
        case .schemaBadRegex:
            return ("A `pattern` in schema.yaml is not a valid regular expression.",
                    "department: {type: string, pattern: \"^[a-z0-9-+$\"}",
                    "department: {type: string, pattern: \"^[a-z0-9-]+$\"}")
        case .schemaDanglingRef:
            return ("A `$ref` in schema.yaml points to a definition that does not exist.",
                    "datasets:\n  items: {$ref: \"#/$defs/datset\"}",
                    "datasets:\n  items: {$ref: \"#/$defs/dataset\"}")
        case .schemaInvalid:
            return ("schema.yaml is not a valid schema: a keyword has a value of the wrong kind, an unknown type, or a feature Algoreg's validator does not support.",
                    "name: {type: text, minLength: three}",
                    "name: {type: string, minLength: 3}")
        // Register-wide checks
        case .settingsInvalid:
            return ("register.yaml does not have the settings Algoreg needs, or has one of the wrong kind.",
                    "organization: City of Veldhaven\nlanguages: en",
                    "organization: City of Veldhaven\nbase_url: https://algorithms.veldhaven.example\nlanguages: [en]\ndepartments:\n  mobility: {name: Mobility}")
        case .unknownDepartment:
            return ("The entry's `department` is not one of the departments declared in register.yaml.",
                    "department: mobilty",
                    "department: mobility      # declared under `departments:` in register.yaml")
        case .unknownLanguage:
            return ("A translation file is in a language that register.yaml does not list.",
                    "systems/parking-scan-cars.de.md      # languages: [en, nl]",
                    "systems/parking-scan-cars.nl.md      # or add de to languages in register.yaml")
        case .duplicateID:
            return ("Two entries have the same id (file name), for example in two subfolders of `systems/`.",
                    "systems/mobility/chatbot.md\nsystems/city-services/chatbot.md",
                    "systems/mobility/parking-chatbot.md\nsystems/city-services/service-chatbot.md")
        case .duplicateName:
            return ("Two entries have the same name; residents could not tell them apart.",
                    "name: Chatbot        # in two files",
                    "name: Parking permit chatbot\nname: City service chatbot")
        case .orphanTranslation:
            return ("A translation file belongs to no entry: its id does not match any `<id>.md`.",
                    "systems/parking-scan-car.nl.md      # the entry is parking-scan-cars.md",
                    "systems/parking-scan-cars.nl.md")
        case .untranslatableField:
            return ("A translation file sets a field that is shared by every language (status, dates, department...). Only fields marked `x-translatable` may be translated.",
                    "---            # parking-scan-cars.nl.md\nstatus: operationeel\n---",
                    "---            # parking-scan-cars.nl.md\ndescription_short: Auto's met camera's lezen kentekens in betaald-parkerengebieden.\n---")
        case .missingTranslation:
            return ("The register has several languages and this entry has no translation in one of them; its page in that language shows the default language (a warning).",
                    "systems/parking-scan-cars.md      # languages: [en, nl], no .nl.md",
                    "systems/parking-scan-cars.md\nsystems/parking-scan-cars.nl.md")
        case .unsafeLink:
            return ("A link uses a scheme other than https, http or mailto (for example `javascript:` or `file:`); it could harm readers or does not work for them.",
                    "website: file://fileserver/parking/info.html\nMore in [the manual](javascript:alert(1)).",
                    "website: https://veldhaven.example/parking\nMore in [the manual](https://veldhaven.example/parking/manual).")
        case .placeholderText:
            return ("The text still contains a placeholder such as TODO, TBD, FIXME or lorem ipsum (a warning).",
                    "goal: TODO ask the team",
                    "goal: Check whether parked cars have paid, so that parking space stays available.")
        case .revisionOverdue:
            return ("The entry's `revision_date` has passed: its review is overdue (a warning). Retired systems are not checked.",
                    "revision_date: 2023-01-01",
                    "last_change_date: 2025-06-01      # after checking the entry\nrevision_date: 2027-06-01")
        case .draftIncomplete:
            return ("The entry is marked `draft: true` and misses fields; they are warnings, and the entry is left out of the site until it is complete.",
                    "---\nname: New chatbot\ndraft: true\n---",
                    "---\nname: New chatbot\n...every required field...\n---      # and remove draft: true to publish")
        // Building
        case .templateError:
            return ("A template in Templates/ cannot be read or rendered: a Mustache syntax error, an unknown partial or a missing page template.",
                    "{{#systems}}<li>{{name}}</li>           # section never closed",
                    "{{#systems}}<li>{{name}}</li>{{/systems}}")
        case .outputNotOurs:
            return ("The output folder already holds files that Algoreg did not write, so `build` refuses to replace it rather than delete someone's work.",
                    "algoreg build --output ~/Documents",
                    "algoreg build --output Site          # a new or empty folder, or one Algoreg built before")
        case .outputFailed:
            return ("The site could not be written: the disk is full, the folder is read-only, or a path is in the way.",
                    "algoreg build --output /read-only/site",
                    "algoreg build --output Site")
        // Workflow
        // Interchange
        case .importUnreadable:
            return ("The file given to `algoreg import` cannot be read as a table: it is missing, empty, in an unknown encoding, or a quoted cell is never closed.",
                    "id,use_case_name\n42,\"Parking scan cars\n43,Chatbot",
                    "id,use_case_name\n42,\"Parking scan cars\"\n43,Chatbot")
        case .importMissingColumn:
            return ("A column the chosen preset expects is not in the file, so the field it fills stays empty in every imported entry.",
                    "algoreg import inventory.csv --format us-2025     # the file has no `development_stage` column",
                    "algoreg import inventory.csv --format generic --map mapping.yaml     # with the column mapped by name")
        case .importUnrecognisedValue:
            return ("A cell's value matches none of the schema's allowed values, even after ignoring case, numbering and known spellings. It is kept under `imported.columns` and the field is left empty.",
                    "development_stage: \"e) Sunset\"",
                    "development_stage: \"d) Retired – the use case is no longer in use\"   (or a recoding in the mapping file: {Sunset: retired})")
        case .importBadMapping:
            return ("The mapping file of a generic import names a field the schema does not have, or recodes to a value the field does not allow.",
                    "columns:\n  Owner: ownr\nrecode:\n  status: {Live: in-use}",
                    "columns:\n  Owner: owner\nrecode:\n  status: {Live: operational}")
        case .importDepartmentsNotAdded:
            return ("Imported entries name departments that register.yaml does not list, and its `departments:` is written in a form the import cannot extend without rewriting it (a flow mapping over several lines, say), so register.yaml was left as it is.",
                    "departments: {\n  parks: {name: Parks},\n  roads: {name: Roads}}",
                    "departments:\n  parks:\n    name: Parks\n  roads:\n    name: Roads\n  water:\n    name: Water board")
        case .exportNotCarried:
            return ("The export format has no column for a field of the register, so that field is not in the exported file.",
                    "algoreg export --format nyc-ll35     # bias_assessment has no LL35 column",
                    "algoreg export --format ats-json     # a format that carries the field, or publish data/register.json")
        // Report
        case .unknownInitiative:
            return ("An action in plan.yaml belongs to an initiative that is not declared under `initiatives`.",
                    "actions:\n  - id: G9\n    initiative: governence",
                    "actions:\n  - id: G9\n    initiative: governance")
        case .duplicateAction:
            return ("Two actions (or two initiatives) in plan.yaml have the same id, so their progress cannot be told apart.",
                    "  - id: G2\n    title: Publish the register\n  - id: G2\n    title: Train staff",
                    "  - id: G2\n    title: Publish the register\n  - id: G3\n    title: Train staff")
        case .reportYearMismatch:
            return ("A report narrative's `year` differs from its file name, which says which year it reports on.",
                    "reports/2026.md:\n---\nyear: 2025",
                    "reports/2026.md:\n---\nyear: 2026")
        // Workflow
        case .placeholderLeft:
            return ("`algoreg new` wrote placeholder text starting with `FILL IN:` for every required field. It keeps `validate` failing until it is replaced with the real information.",
                    "owner: \"FILL IN: Responsible owner\"",
                    "owner: Director of Mobility and Public Space")
        }
    }
}

/// `algoreg explain`: the text for one code, or what to do when the code is unknown.
public enum DiagnosticExplainer {
    public enum Lookup: Sendable, Equatable {
        case found(DiagnosticExplanation)
        /// The closest known code, if any is close.
        case unknown(suggestion: String?)
    }

    public static func lookup(_ text: String) -> Lookup {
        // Accept `error[unknown-field]` and `[unknown-field]`, as copied from a diagnostic.
        var code = text.trimmingCharacters(in: .whitespaces)
        if let open = code.firstIndex(of: "["), let close = code.lastIndex(of: "]"), open < close {
            code = String(code[code.index(after: open)..<close])
        }
        if let known = DiagnosticCode(rawValue: code.lowercased()) { return .found(known.explanation) }
        return .unknown(suggestion: Suggest.closest(to: code, in: DiagnosticCode.allCases.map(\.rawValue)))
    }

    public static func render(_ explanation: DiagnosticExplanation) -> String {
        func indent(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        }
        return """
        \(explanation.code.rawValue)

        \(explanation.meaning)

        Wrong:
        \(indent(explanation.wrong))

        Right:
        \(indent(explanation.right))

        """
    }
}
