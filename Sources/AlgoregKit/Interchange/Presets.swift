/// How one source column becomes an entry field, and back.
public struct ColumnMapping: Sendable {
    public enum Kind: Sendable {
        /// Free text, trimmed, mis-encoded characters fixed.
        case text
        /// Free text with the few HTML tags the Dutch register allows turned into Markdown.
        case html
        /// Recoded to the field's enumeration: `values` maps source spellings (compared by
        /// `Recode.key`) to schema values; the schema's own values are always recognised.
        case enumeration(values: [String: String], export: [String: String])
        /// A multi-select cell, as a list of text.
        case list
        /// true/false, yes/no; `values` adds source spellings (e.g. "Purchased from a vendor": false).
        case boolean(values: [String: Bool], export: [Bool: String])
        /// Year and month (YYYY-MM in the entry), written with `separator` on export.
        case yearMonth(separator: String)
        case date
        /// JSON text holding a list of {title, link}.
        case links
    }

    public var column: String
    /// A field of the entry (a dotted path for nested fields), or `id`, `department`, `body`.
    public var field: String
    public var kind: Kind

    public init(_ column: String, _ field: String, _ kind: Kind = .text) {
        self.column = column
        self.field = field
        self.kind = kind
    }
}

/// A source format: its columns in order and how each maps to the entry.
public struct ImportPreset: Sendable {
    public var name: String
    /// Every column of the format, in its own order (the export writes these).
    public var columns: [String]
    public var mappings: [ColumnMapping]
    /// Column that names the tool (for ids and merging when there is no id column).
    public var nameColumn: String?
    /// Column with one report year per row (rows of the same tool are merged).
    public var yearColumn: String?
    public var departmentConstant: String?
    public var defaults: Object = Object()
    /// Whether the block of unmapped columns is published (`x-private` otherwise).
    public var importedPublic = false

    public func mapping(forField field: String) -> ColumnMapping? { mappings.first { $0.field == field } }

    public static let names = ["us-2025", "nyc-ll35", "nl-1.0", "ats-0.3.1"]

    public static func named(_ name: String) -> ImportPreset? {
        switch name {
        case "us-2025": return us2025
        case "nyc-ll35": return nycLL35
        case "nl-1.0": return nl10
        case "ats-0.3.1": return ats031
        default: return nil
        }
    }

    // MARK: US federal AI use case inventory 2025

    static let usStages: [String: String] = [
        "pre-deployment": "development", "predeployment": "development", "initiated": "development", "in development": "development",
        "development and acquisition": "development", "planned": "planned",
        "pilot": "pilot", "piloting": "pilot",
        "deployed": "operational", "in production": "operational", "operation and maintenance": "operational", "implementation and assessment": "operational",
        "retired": "retired", "decommissioned": "retired",
    ]
    static let usStageExport: [String: String] = [
        "planned": "a) Pre-deployment – The use case is in a development or acquisition status.",
        "design": "a) Pre-deployment – The use case is in a development or acquisition status.",
        "development": "a) Pre-deployment – The use case is in a development or acquisition status.",
        "pilot": "b) Pilot – The use case has been deployed in a limited test or pilot capacity.",
        "evaluation": "b) Pilot – The use case has been deployed in a limited test or pilot capacity.",
        "operational": "c) Deployed – The use case is being actively authorized or utilized to support the functions or mission of an agency.",
        "retired": "d) Retired – The use case was previously in development or in use by an agency but has been retired.",
    ]
    static let usImpact: [String: String] = [
        "high-impact": "high risk", "high impact": "high risk",
        "presumed high-impact, but determined not high impact": "limited risk",
        "not high-impact": "minimal risk", "not high impact": "minimal risk",
    ]
    static let usImpactExport: [String: String] = [
        "unacceptable risk": "High-impact", "high risk": "High-impact",
        "limited risk": "Presumed high-impact, but determined not high impact", "minimal risk": "Not high-impact",
    ]
    static let usTopics: [String: String] = [
        "transportation": "traffic and transportation", "law & justice": "public safety", "law and justice": "public safety",
        "emergency management": "public safety", "health & medical": "health and health care", "health and medical": "health and health care",
        "benefits": "subsidies, benefits and allowances", "government services (includes benefits and service delivery)": "citizen services",
        "government services": "citizen services", "education & workforce": "education", "energy & the environment": "environment",
        "energy and the environment": "environment", "mission-enabling": "administration and internal operations",
        "mission-enabling (internal agency support)": "administration and internal operations",
        "science & space": "other", "diplomacy & trade": "economy and work", "agriculture": "environment",
    ]
    static let usDomainExport: [String: String] = [
        "traffic and transportation": "Transportation", "public safety": "Law & Justice", "health and health care": "Health & Medical",
        "subsidies, benefits and allowances": "Benefits", "citizen services": "Government Services (includes Benefits and Service Delivery)",
        "education": "Education & Workforce", "environment": "Energy & the Environment",
        "administration and internal operations": "Mission-Enabling (internal agency support)",
    ]

    public static let us2025 = ImportPreset(
        name: "us-2025",
        columns: ["agency", "agency_name", "id", "use_case_name", "agency_bureau", "contact_email", "is_withheld",
                  "development_stage", "is_high_impact", "HI_justification", "topic_area", "classification",
                  "problem_solved", "benefits", "system_outputs", "operational_date", "contracting_usage", "vendor_name",
                  "have_ato", "system_name_ato", "data_description", "link_to_data", "has_pii", "pia_url",
                  "demographic_features", "has_custom_code", "code_url", "hi_testing_conducted",
                  "hi_assessment_completed", "hi_potential_impacts", "hi_independent_review", "hi_ongoing_monitoring",
                  "hi_training_established", "hi_failsafe_presence", "hi_appeal_process", "hi_public_consultation"],
        mappings: [
            ColumnMapping("id", "id"),
            ColumnMapping("use_case_name", "name"),
            ColumnMapping("agency_bureau", "department"),
            ColumnMapping("contact_email", "contact_email"),
            ColumnMapping("development_stage", "status", .enumeration(values: usStages, export: usStageExport)),
            ColumnMapping("is_high_impact", "risk_category", .enumeration(values: usImpact, export: usImpactExport)),
            ColumnMapping("topic_area", "domain", .enumeration(values: usTopics, export: usDomainExport)),
            ColumnMapping("problem_solved", "goal"),
            ColumnMapping("benefits", "impact"),
            ColumnMapping("system_outputs", "decision_making_process"),
            ColumnMapping("operational_date", "first_used", .yearMonth(separator: "-")),
            ColumnMapping("contracting_usage", "developed_in_house", .boolean(
                values: ["developed in house": true, "developed in-house": true, "developed with both contracting and in-house resources": true,
                         "purchased from a vendor": false, "contracted": false],
                export: [true: "Developed in house", false: "Purchased from a vendor"])),
            ColumnMapping("vendor_name", "vendor"),
            ColumnMapping("code_url", "codebase_url"),
            ColumnMapping("hi_ongoing_monitoring", "monitoring"),
            ColumnMapping("hi_appeal_process", "objection_procedure"),
            ColumnMapping("demographic_features", "imported.columns.demographic_features", .list),
            ColumnMapping("hi_public_consultation", "imported.columns.hi_public_consultation", .list),
        ],
        nameColumn: "use_case_name")

    // MARK: NYC Local Law 35

    public static let nycLL35 = ImportPreset(
        name: "nyc-ll35",
        columns: ["year", "agency", "tool_name", "tool_desc_brief", "tool_desc_detail", "data", "vendor", "date_use",
                  "data_training", "data_input", "data_output", "vendor_name", "vendor_desc", "identifying_info",
                  "analysis_type", "population_type", "updated", "updated_desc"],
        mappings: [
            ColumnMapping("agency", "department"),
            ColumnMapping("tool_name", "name"),
            ColumnMapping("tool_desc_brief", "description_short"),
            ColumnMapping("tool_desc_detail", "body"),
            ColumnMapping("vendor", "developed_in_house", .boolean(values: ["yes": false, "true": false, "no": true, "false": true],
                                                                   export: [true: "No", false: "Yes"])),
            ColumnMapping("vendor_name", "vendor"),
            ColumnMapping("date_use", "first_used", .yearMonth(separator: "/")),
            ColumnMapping("analysis_type", "keywords", .list),
            ColumnMapping("population_type", "imported.columns.population_type", .list),
        ],
        nameColumn: "tool_name", yearColumn: "year")

    // MARK: Dutch national Algorithm Register 1.0

    public static let nl10 = ImportPreset(
        name: "nl-1.0",
        columns: ["name", "description_short", "organization", "category", "status", "begin_date", "end_date", "contact_email",
                  "website", "publication_category", "url", "goal", "proportionality", "human_intervention", "risks",
                  "lawful_basis", "lawful_basis_grouping", "process_index_url", "impacttoetsen_grouping", "impacttoetsen",
                  "source_data", "source_data_grouping", "methods_and_models", "provider", "publiccode", "lang",
                  "standard_version", "source_id", "tags", "lars", "publication_dt"],
        mappings: [
            ColumnMapping("source_id", "id"),
            ColumnMapping("name", "name"),
            ColumnMapping("description_short", "description_short", .html),
            ColumnMapping("organization", "department"),
            ColumnMapping("category", "keywords", .list),
            ColumnMapping("status", "status", .enumeration(
                values: ["in ontwikkeling": "development", "in development": "development", "in gebruik": "operational", "in use": "operational",
                         "buiten gebruik": "retired", "out of use": "retired"],
                export: ["planned": "In ontwikkeling", "design": "In ontwikkeling", "development": "In ontwikkeling", "pilot": "In gebruik",
                         "evaluation": "In gebruik", "operational": "In gebruik", "retired": "Buiten gebruik"])),
            ColumnMapping("begin_date", "first_used", .yearMonth(separator: "-")),
            ColumnMapping("contact_email", "contact_email"),
            ColumnMapping("website", "website"),
            ColumnMapping("publication_category", "risk_category", .enumeration(
                values: ["hoog-risico ai-systeem": "high risk", "high-risk ai system": "high risk", "impactvolle algoritmes": "limited risk",
                         "impactful algorithm": "limited risk", "overige algoritmes": "minimal risk", "other": "minimal risk"],
                export: ["unacceptable risk": "Hoog-risico AI-systeem", "high risk": "Hoog-risico AI-systeem",
                         "limited risk": "Impactvolle algoritmes", "minimal risk": "Overige algoritmes"])),
            ColumnMapping("goal", "goal", .html),
            ColumnMapping("proportionality", "proportionality", .html),
            ColumnMapping("human_intervention", "human_oversight", .html),
            ColumnMapping("lawful_basis", "lawful_basis", .html),
            ColumnMapping("lawful_basis_grouping", "lawful_basis_links", .links),
            ColumnMapping("methods_and_models", "methods_and_models", .html),
            ColumnMapping("provider", "vendor"),
            ColumnMapping("publiccode", "codebase_url"),
            ColumnMapping("publication_dt", "publication_date", .date),
        ],
        nameColumn: "name")

    // MARK: Eurocities ATS 0.3.1

    public static let ats031 = ImportPreset(
        name: "ats-0.3.1",
        columns: ["uuid", "name", "description_short", "organization", "department", "contact_email", "contact_phone", "contact_name",
                  "area", "domain", "website", "status", "remark", "decision_making_process", "goal", "impact", "risks",
                  "risk_category", "proportionality", "lawful_basis", "documentation", "training_data", "source_data", "data_bias",
                  "connected_data_sources", "DPIA_description", "DPIA_url", "algorithm_type", "description", "methods_and_models",
                  "performance", "alternatives_considered", "product_information", "codebase_url", "product_page",
                  "AIA_description", "AIA_url", "monitoring", "type", "human_intervention", "objection_procedure", "rollback",
                  "standard_version", "lang", "publication_date", "last_change_date", "revision_date", "revision_note", "keywords"],
        mappings: [
            ColumnMapping("uuid", "id"),
            ColumnMapping("name", "name"),
            ColumnMapping("description_short", "description_short"),
            ColumnMapping("department", "department"),
            ColumnMapping("contact_email", "contact_email"),
            ColumnMapping("contact_name", "contact_name"),
            ColumnMapping("area", "area"),
            ColumnMapping("domain", "domain", .enumeration(values: [:], export: [:])),
            ColumnMapping("website", "website"),
            ColumnMapping("status", "status", .enumeration(values: ["in use": "operational", "in gebruik": "operational", "live": "operational"], export: [:])),
            ColumnMapping("decision_making_process", "decision_making_process"),
            ColumnMapping("goal", "goal"),
            ColumnMapping("impact", "impact"),
            ColumnMapping("risk_category", "risk_category", .enumeration(
                values: ["unacceptable": "unacceptable risk", "high": "high risk", "limited": "limited risk", "minimal": "minimal risk"], export: [:])),
            ColumnMapping("proportionality", "proportionality"),
            ColumnMapping("lawful_basis", "lawful_basis"),
            ColumnMapping("algorithm_type", "algorithm_type", .enumeration(values: ["rule based": "rule-based", "self learning": "self-learning", "machine learning": "self-learning"], export: [:])),
            ColumnMapping("description", "body"),
            ColumnMapping("methods_and_models", "methods_and_models"),
            ColumnMapping("performance", "performance"),
            ColumnMapping("codebase_url", "codebase_url"),
            ColumnMapping("monitoring", "monitoring"),
            ColumnMapping("type", "type_of_use", .enumeration(values: [:], export: [:])),
            ColumnMapping("human_intervention", "human_oversight"),
            ColumnMapping("objection_procedure", "objection_procedure"),
            ColumnMapping("publication_date", "publication_date", .date),
            ColumnMapping("last_change_date", "last_change_date", .date),
            ColumnMapping("revision_date", "revision_date", .date),
            ColumnMapping("keywords", "keywords", .list),
        ],
        nameColumn: "name")
}
