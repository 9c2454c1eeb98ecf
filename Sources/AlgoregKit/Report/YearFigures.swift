import Foundation
/// The figures of the annual report for one year, computed from the published register only
/// (no private field, no draft) by `YearFigures.compute`, a pure function: the same register
/// and year always give the same figures. The rules are in README, "The annual report".
public struct YearFigures: Sendable, Equatable {
    /// A headline number with the previous year's, when that year can be computed.
    public struct Headline: Sendable, Equatable {
        public var key: String
        public var value: Int
        public var previous: Int?
        public var change: Int? { previous.map { value - $0 } }
    }

    public struct Count: Sendable, Equatable {
        public var key: String
        public var count: Int
    }

    /// Systems in the register at the end of the year, counted by one dimension.
    public struct Breakdown: Sendable, Equatable {
        public var key: String
        public var counts: [Count]
    }

    /// Of `of` systems in use (that need it), `covered` meet the requirement.
    public struct Coverage: Sendable, Equatable {
        public var key: String
        public var covered: Int
        public var of: Int
        /// Whole percent, rounded half up; nil when no system needs it.
        public var percent: Int? { of == 0 ? nil : (covered * 200 + of) / (2 * of) }
    }

    /// A system in use that falls short on one or more of the coverage measures.
    public struct Shortfall: Sendable, Equatable {
        public var department: String
        public var system: String
        public var name: String
        public var missing: [String]
    }

    public struct ActionStatus: Sendable, Equatable {
        public var id: String
        public var initiative: String
        public var department: String
        public var due: String
        public var status: String
        /// The status at the end of the previous year.
        public var previousStatus: String
        public var note: LocalizedText?
    }

    public struct InitiativeProgress: Sendable, Equatable {
        public var id: String
        public var total: Int
        public var initiated: Int
        public var counts: [Count]
    }

    public struct PlanProgress: Sendable, Equatable {
        public var total: Int
        public var initiated: Int
        public var previousInitiated: Int
        /// Actions per status, in `ActionPlan.statuses` order.
        public var counts: [Count]
        public var initiatives: [InitiativeProgress]
        public var actions: [ActionStatus]
        public var completedThisYear: [String]
        public var timelineRevisedThisYear: [String]
    }

    /// One system in the Local Law 35 directory (texts in the default language).
    public struct DirectoryItem: Sendable, Equatable {
        public var department: String
        public var system: String
        public var name: String
        public var description: String
        public var purpose: String
        /// "name (source; personal data: …)" per dataset.
        public var data: [String]
        public var outputUse: String
        public var vendorInvolved: Bool
        public var vendor: String?
        /// YYYY-MM when known.
        public var firstUsed: String?
    }

    public var year: Int
    /// The first year with a published system; nil when nothing was ever published.
    public var firstYear: Int?
    /// False for a year before the register's first publication: then only `plan` is filled.
    public var hasData: Bool
    public var headline: [Headline]
    public var breakdowns: [Breakdown]
    public var coverage: [Coverage]
    public var shortfalls: [Shortfall]
    /// nil when the register has no action plan.
    public var plan: PlanProgress?
    public var directory: [DirectoryItem]

    public static let inUseStatuses: Set<String> = ["pilot", "evaluation", "operational"]
    public static let headlineKeys = ["systems", "in_use", "new", "retired", "updated"]
    public static let breakdownKeys = ["department", "status", "risk_category", "domain", "algorithm_type", "development", "personal_data"]
    public static let coverageKeys = ["bias_assessment", "human_oversight", "impact_assessment", "review"]

    // MARK: - Year rules on one system

    static func end(_ year: Int) -> String { "\(year)-12-31" }
    static func inYear(_ date: String?, _ year: Int) -> Bool { date.map { $0.hasPrefix("\(year)-") } ?? false }

    /// When the system entered the register: its `publication_date`, or its first commit when
    /// git saw it earlier (what the register held on 31 December, from its history).
    static func publicationDate(_ system: PublicRegister.System) -> String? {
        [system.string("publication_date"), system.firstPublished].compactMap { $0 }.min()
    }

    static func published(_ system: PublicRegister.System, by year: Int) -> Bool {
        guard let date = publicationDate(system) else { return false }
        return date <= end(year)
    }

    /// Changed during `year` after it was published: `last_change_date`, or any commit in git.
    static func updated(_ system: PublicRegister.System, in year: Int) -> Bool {
        guard !inYear(publicationDate(system), year), published(system, by: year - 1) else { return false }
        return inYear(system.string("last_change_date"), year) || system.history.contains { inYear($0.date, year) }
    }

    static func retired(_ system: PublicRegister.System, by year: Int) -> Bool {
        guard let date = system.string("retirement_date") else { return false }
        return date <= end(year)
    }

    /// The status at the end of `year`: retired once the retirement date has passed; a system
    /// retired later was in use then (its stage before retirement is not kept: operational).
    static func status(_ system: PublicRegister.System, at year: Int) -> String {
        if retired(system, by: year) { return "retired" }
        let current = system.string("status") ?? ""
        if current == "retired" { return "operational" }
        return current
    }

    static func inUse(_ system: PublicRegister.System, at year: Int) -> Bool {
        guard published(system, by: year), inUseStatuses.contains(status(system, at: year)) else { return false }
        if let firstUsed = system.string("first_used"), firstUsed > "\(year)-12" { return false }
        return true
    }

    static func personalData(_ system: PublicRegister.System) -> String {
        let kinds = Set((system.fields["datasets"]?.array ?? []).compactMap { $0["personal_data"]?.string })
        if kinds.contains("identified") { return "identified" }
        if kinds.contains("pseudonymised") { return "pseudonymised" }
        return "none"
    }

    static func needsImpactAssessment(_ system: PublicRegister.System) -> Bool {
        system.string("risk_category") == "high risk" || personalData(system) != "none"
    }

    /// Which coverage measures a system in use meets at the end of `year` (nil: not required).
    static func coverage(_ system: PublicRegister.System, at year: Int) -> [String: Bool?] {
        let yearEnd = end(year)
        let bias = system.fields["bias_assessment"].map { assessment in (assessment["date"]?.string ?? "") <= yearEnd } ?? false
        let oversight = !FieldRenderer.isEmpty(system.fields["human_oversight"])
        let assessments = system.fields["impact_assessments"]?.array ?? []
        let impact: Bool? = needsImpactAssessment(system) ? assessments.contains { ($0["date"]?.string ?? "") <= yearEnd } : nil
        let review = (system.string("revision_date") ?? "") > yearEnd
        return ["bias_assessment": bias, "human_oversight": oversight, "impact_assessment": impact, "review": review]
    }

    // MARK: - The year

    /// Validates the register at `registry` and computes `year` with its git history, as the
    /// portal does; nil figures when the register has errors.
    public static func compute(registry: String, year: Int, options: ValidationOptions = ValidationOptions()) -> (YearFigures?, ValidationResult) {
        let validation = RegisterValidator.validate(registry, options: options)
        guard let register = validation.register else { return (nil, validation) }
        let history = History.read(registerFolder: URL(fileURLWithPath: registry))
        let published = PublicRegister(register, history: history, sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"])
        return (compute(published, year: year), validation)
    }

    public static func compute(_ register: PublicRegister, year: Int) -> YearFigures {
        let systems = register.systems
        let firstYear = systems.compactMap { publicationDate($0).flatMap { Int($0.prefix(4)) } }.min()
        let plan = register.plan.map { planProgress($0, year: year) }
        guard let firstYear, year >= firstYear else {
            return YearFigures(year: year, firstYear: firstYear, hasData: false, headline: [], breakdowns: [], coverage: [],
                               shortfalls: [], plan: plan, directory: [])
        }
        func headlineValues(_ y: Int) -> [Int] {
            [systems.filter { published($0, by: y) }.count,
             systems.filter { inUse($0, at: y) }.count,
             systems.filter { inYear(publicationDate($0), y) }.count,
             systems.filter { inYear($0.string("retirement_date"), y) && published($0, by: y) }.count,
             systems.filter { updated($0, in: y) }.count]
        }
        let current = headlineValues(year)
        let previous = year - 1 >= firstYear ? headlineValues(year - 1) : nil
        let headline = headlineKeys.indices.map { Headline(key: headlineKeys[$0], value: current[$0], previous: previous?[$0]) }

        let inRegister = systems.filter { published($0, by: year) }
        let departmentOrder = register.settings.departments.map(\.id)
        func order(_ key: String) -> [String] {
            switch key {
            case "department": return departmentOrder
            case "status": return register.schema.field("status")?.enumeration ?? []
            case "development": return ["in-house", "vendor"]
            case "personal_data": return ["identified", "pseudonymised", "none"]
            default: return register.schema.field(key)?.enumeration ?? []
            }
        }
        func value(_ system: PublicRegister.System, _ key: String) -> String {
            switch key {
            case "status": return status(system, at: year)
            case "development": return system.fields["developed_in_house"]?.bool == false ? "vendor" : "in-house"
            case "personal_data": return personalData(system)
            default: return system.string(key) ?? ""
            }
        }
        let breakdowns = breakdownKeys.map { key in
            let counts = Dictionary(grouping: inRegister, by: { value($0, key) }).mapValues(\.count)
            let known = order(key)
            let keys = counts.keys.sorted { (known.firstIndex(of: $0) ?? Int.max, $0) < (known.firstIndex(of: $1) ?? Int.max, $1) }
            return Breakdown(key: key, counts: keys.map { Count(key: $0, count: counts[$0] ?? 0) })
        }

        let systemsInUse = systems.filter { Self.inUse($0, at: year) }
        let measured = systemsInUse.map { (system: $0, coverage: Self.coverage($0, at: year)) }
        let coverage = coverageKeys.map { key in
            let required = measured.compactMap { $0.coverage[key] ?? nil }
            return Coverage(key: key, covered: required.filter { $0 }.count, of: required.count)
        }
        let shortfalls = measured.compactMap { item -> Shortfall? in
            let missing = coverageKeys.filter { (item.coverage[$0] ?? nil) == false }
            guard !missing.isEmpty else { return nil }
            return Shortfall(department: item.system.string("department") ?? "", system: item.system.id,
                             name: item.system.string("name") ?? item.system.id, missing: missing)
        }.sorted { (departmentOrder.firstIndex(of: $0.department) ?? Int.max, $0.name) < (departmentOrder.firstIndex(of: $1.department) ?? Int.max, $1.name) }

        // The directory: systems in use at the end of the year, or retired during it.
        let directory = inRegister.filter { inUse($0, at: year) || inYear($0.string("retirement_date"), year) }.map { system in
            let datasets = (system.fields["datasets"]?.array ?? []).map { dataset in
                let name = dataset["name"]?.string ?? ""
                let source = dataset["source"]?.string ?? ""
                return "\(name) (\(source); personal data: \(dataset["personal_data"]?.string ?? "none"))"
            }
            let inHouse = system.fields["developed_in_house"]?.bool ?? true
            return DirectoryItem(department: system.string("department") ?? "", system: system.id, name: system.string("name") ?? system.id,
                                 description: system.string("description_short") ?? "", purpose: system.string("goal") ?? "",
                                 data: datasets, outputUse: system.string("decision_making_process") ?? "",
                                 vendorInvolved: !inHouse, vendor: inHouse ? nil : system.string("vendor"),
                                 firstUsed: system.string("first_used"))
        }.sorted { (departmentOrder.firstIndex(of: $0.department) ?? Int.max, $0.name) < (departmentOrder.firstIndex(of: $1.department) ?? Int.max, $1.name) }

        return YearFigures(year: year, firstYear: firstYear, hasData: true, headline: headline, breakdowns: breakdowns,
                           coverage: coverage, shortfalls: shortfalls, plan: plan, directory: directory)
    }

    static func planProgress(_ plan: ActionPlan, year: Int) -> PlanProgress {
        let actions = plan.actions.map { action in
            let now = action.progress(in: year)
            return ActionStatus(id: action.id, initiative: action.initiative, department: action.department, due: action.due,
                                status: now.status, previousStatus: action.progress(in: year - 1).status,
                                note: action.progress[year]?.note)
        }
        func counts(_ list: [ActionStatus]) -> [Count] {
            ActionPlan.statuses.map { status in Count(key: status, count: list.filter { $0.status == status }.count) }
        }
        let initiatives = plan.initiatives.map { initiative in
            let own = actions.filter { $0.initiative == initiative.id }
            return InitiativeProgress(id: initiative.id, total: own.count,
                                      initiated: own.filter { ActionPlan.initiated.contains($0.status) }.count, counts: counts(own))
        }
        return PlanProgress(
            total: actions.count,
            initiated: actions.filter { ActionPlan.initiated.contains($0.status) }.count,
            previousInitiated: actions.filter { ActionPlan.initiated.contains($0.previousStatus) }.count,
            counts: counts(actions), initiatives: initiatives, actions: actions,
            completedThisYear: actions.filter { $0.status == "complete" && $0.previousStatus != "complete" }.map(\.id),
            timelineRevisedThisYear: actions.filter { $0.status == "timeline revised" && $0.previousStatus != "timeline revised" }.map(\.id))
    }
}
