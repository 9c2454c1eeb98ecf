/// The action plan from `Registry/plan.yaml`, after it passed `ActionPlan.schemaText`.
public struct ActionPlan: Sendable {
    public struct Initiative: Sendable {
        public var id: String
        public var title: LocalizedText
    }

    public struct Progress: Sendable, Equatable {
        /// One of `ActionPlan.statuses`.
        public var status: String
        public var note: LocalizedText?
    }

    public struct Action: Sendable {
        public var id: String
        public var title: LocalizedText
        public var initiative: String
        public var department: String
        /// YYYY-MM or YYYY-MM-DD.
        public var due: String
        /// Progress per year.
        public var progress: [Int: Progress]

        /// The status at the end of `year`: that year's, else the latest earlier year's, else not started.
        public func progress(in year: Int) -> Progress {
            if let exact = progress[year] { return exact }
            if let earlier = progress.keys.filter({ $0 < year }).max(), let found = progress[earlier] { return found }
            return Progress(status: "not started", note: nil)
        }
    }

    public static let statuses = ["not started", "in progress", "complete", "timeline revised"]
    /// Statuses that count as "initiated or completed".
    public static let initiated: Set<String> = ["in progress", "complete", "timeline revised"]

    public var file: String
    public var initiatives: [Initiative]
    public var actions: [Action]

    /// Built from a plan object that already passed the plan schema.
    init(_ fields: Object, file: String) {
        self.file = file
        initiatives = (fields["initiatives"]?.array ?? []).map { item in
            Initiative(id: item["id"]?.string ?? "", title: LocalizedText(item["title"]) ?? LocalizedText([:]))
        }
        actions = (fields["actions"]?.array ?? []).map { item in
            var progress: [Int: Progress] = [:]
            for member in item["progress"]?.object?.members ?? [] {
                guard let year = Int(member.key) else { continue }
                progress[year] = Progress(status: member.value["status"]?.string ?? "not started", note: LocalizedText(member.value["note"]))
            }
            return Action(id: item["id"]?.string ?? "", title: LocalizedText(item["title"]) ?? LocalizedText([:]),
                          initiative: item["initiative"]?.string ?? "", department: item["department"]?.string ?? "",
                          due: item["due"]?.string ?? "", progress: progress)
        }
    }

    /// The plan file's own schema: the plan gets the same diagnostics as entries.
    static let schemaText = #"""
    $schema: https://json-schema.org/draft/2020-12/schema
    type: object
    additionalProperties: false
    required: [initiatives, actions]
    \#(LocalizedText.schemaDefinitions)
    properties:
      title: {$ref: "#/$defs/text"}
      initiatives:
        type: array
        minItems: 1
        items:
          type: object
          additionalProperties: false
          required: [id, title]
          properties:
            id: {type: string, pattern: "^[a-z0-9][a-z0-9-]*$"}
            title: {$ref: "#/$defs/text"}
      actions:
        type: array
        minItems: 1
        items:
          type: object
          additionalProperties: false
          required: [id, title, initiative, department, due]
          properties:
            id: {type: string, pattern: "^[A-Za-z0-9][A-Za-z0-9.-]*$"}
            title: {$ref: "#/$defs/text"}
            initiative: {type: string, pattern: "^[a-z0-9][a-z0-9-]*$"}
            department: {type: string, pattern: "^[a-z0-9][a-z0-9-]*$"}
            due: {type: string, pattern: "^\\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\\d|3[01]))?$"}
            progress:
              type: object
              propertyNames: {pattern: "^\\d{4}$"}
              additionalProperties:
                type: object
                additionalProperties: false
                required: [status]
                properties:
                  status: {enum: [not started, in progress, complete, timeline revised]}
                  note: {$ref: "#/$defs/text"}
    """#
}

/// The narrative of one annual report, from `Registry/reports/<year>.md`; its presence asks
/// for that year's report.
public struct ReportNarrative: Sendable {
    public var file: String
    public var year: Int
    public var title: LocalizedText
    public var publicationDate: String
    public var foreword: LocalizedText?
    /// Markdown, in the default language.
    public var body: String
    /// The narrative translated (`reports/<year>.<lang>.md`), by language.
    public var translatedBodies: [String: String] = [:]

    /// The narrative in `language`, else in the default language.
    public func body(language: String) -> String { translatedBodies[language] ?? body }

    init(_ fields: Object, body: String, file: String) {
        self.file = file
        year = fields["year"]?.double.map { Int($0) } ?? 0
        title = LocalizedText(fields["title"]) ?? LocalizedText([:])
        publicationDate = fields["publication_date"]?.string ?? ""
        foreword = LocalizedText(fields["foreword"])
        self.body = body
    }

    static let schemaText = #"""
    $schema: https://json-schema.org/draft/2020-12/schema
    type: object
    additionalProperties: false
    required: [year, title, publication_date]
    \#(LocalizedText.schemaDefinitions)
    properties:
      year: {type: integer, minimum: 1990, maximum: 2999}
      title: {$ref: "#/$defs/text"}
      publication_date: {type: string, format: date}
      foreword: {$ref: "#/$defs/text"}
    """#
}
