/// The report's downloads: its figures as JSON and CSV, and the Local Law 35 directory as CSV.
/// Keys and values are the register's own codes, so the files read the same in every language.
public enum ReportData {
    static func figuresJSON(_ year: Int) -> String { "data/reports/\(year).json" }
    static func figuresCSV(_ year: Int) -> String { "data/reports/\(year).csv" }
    static func directoryCSV(_ year: Int) -> String { "data/reports/\(year)-directory.csv" }

    static func string(_ text: String) -> Value { Value(.string(text)) }
    static func integer(_ number: Int?) -> Value { number.map { Value(.integer($0)) } ?? .null }
    static func object(_ members: [(String, Value)]) -> Value { Value(.object(Object(members.map { Member(key: $0.0, value: $0.1) }))) }

    public static func value(_ figures: YearFigures) -> Value {
        var members: [(String, Value)] = [
            ("format", string("algoreg-report")), ("version", integer(1)), ("year", integer(figures.year)),
            ("first_year", integer(figures.firstYear)), ("has_data", Value(.bool(figures.hasData))),
        ]
        if figures.hasData {
            members.append(("headline", object(figures.headline.map {
                ($0.key, object([("value", integer($0.value)), ("previous", integer($0.previous)), ("change", integer($0.change))]))
            })))
            members.append(("breakdowns", object(figures.breakdowns.map { breakdown in
                (breakdown.key, object(breakdown.counts.map { ($0.key, integer($0.count)) }))
            })))
            members.append(("coverage", object(figures.coverage.map {
                ($0.key, object([("covered", integer($0.covered)), ("of", integer($0.of)), ("percent", integer($0.percent))]))
            })))
            members.append(("shortfalls", Value(.array(figures.shortfalls.map {
                object([("department", string($0.department)), ("system", string($0.system)), ("name", string($0.name)),
                        ("missing", Value(.array($0.missing.map(string))))])
            }))))
        }
        if let plan = figures.plan {
            members.append(("plan", object([
                ("actions", integer(plan.total)), ("initiated_or_completed", integer(plan.initiated)),
                ("initiated_or_completed_previous_year", integer(plan.previousInitiated)),
                ("by_status", object(plan.counts.map { ($0.key, integer($0.count)) })),
                ("initiatives", Value(.array(plan.initiatives.map {
                    object([("id", string($0.id)), ("actions", integer($0.total)), ("initiated_or_completed", integer($0.initiated)),
                            ("by_status", object($0.counts.map { ($0.key, integer($0.count)) }))])
                }))),
                ("completed_this_year", Value(.array(plan.completedThisYear.map(string)))),
                ("timeline_revised_this_year", Value(.array(plan.timelineRevisedThisYear.map(string)))),
                ("action_status", Value(.array(plan.actions.map {
                    object([("id", string($0.id)), ("initiative", string($0.initiative)), ("department", string($0.department)),
                            ("due", string($0.due)), ("status", string($0.status)), ("previous_status", string($0.previousStatus)),
                            ("note", $0.note.map { string($0.text("en", fallback: "en")) } ?? .null)])
                }))),
            ])))
        } else {
            members.append(("plan", .null))
        }
        if figures.hasData {
            members.append(("directory", Value(.array(figures.directory.map { item in
                object([("department", string(item.department)), ("system", string(item.system)), ("name", string(item.name)),
                        ("description", string(item.description)), ("purpose", string(item.purpose)),
                        ("data", Value(.array(item.data.map(string)))), ("output_use", string(item.outputUse)),
                        ("vendor_involved", Value(.bool(item.vendorInvolved))), ("vendor", item.vendor.map(string) ?? .null),
                        ("first_used", item.firstUsed.map(string) ?? .null)])
            }))))
        }
        return object(members)
    }

    public static func json(_ figures: YearFigures) -> String { value(figures).jsonText(pretty: true) + "\n" }

    /// One row per number: chapter, measure, category, value, previous year, change.
    public static func figuresCSV(_ figures: YearFigures) -> String {
        var rows: [[String]] = [["chapter", "measure", "category", "value", "previous_year", "change"]]
        func text(_ number: Int?) -> String { number.map(String.init) ?? "" }
        if !figures.hasData {
            rows.append(["headline", "no_data", "", "", "", ""])
        }
        for headline in figures.headline {
            rows.append(["headline", headline.key, "", String(headline.value), text(headline.previous), text(headline.change)])
        }
        for breakdown in figures.breakdowns {
            for count in breakdown.counts { rows.append(["breakdown", breakdown.key, count.key, String(count.count), "", ""]) }
        }
        for coverage in figures.coverage {
            rows.append(["coverage", coverage.key, "covered", String(coverage.covered), "", ""])
            rows.append(["coverage", coverage.key, "of", String(coverage.of), "", ""])
        }
        if let plan = figures.plan {
            rows.append(["plan", "initiated_or_completed", "", String(plan.initiated), String(plan.previousInitiated), String(plan.initiated - plan.previousInitiated)])
            rows.append(["plan", "actions", "", String(plan.total), "", ""])
            for count in plan.counts { rows.append(["plan", "status", count.key, String(count.count), "", ""]) }
            for initiative in plan.initiatives {
                rows.append(["plan", "initiative_initiated_or_completed", initiative.id, String(initiative.initiated), "", ""])
                rows.append(["plan", "initiative_actions", initiative.id, String(initiative.total), "", ""])
            }
            for action in plan.actions { rows.append(["plan", "action_status", action.id, action.status, action.previousStatus, ""]) }
        }
        return CSVReader.write(rows)
    }

    /// The six Local Law 35 items per system, sorted by department.
    public static func directoryCSV(_ figures: YearFigures, departmentName: (String) -> String) -> String {
        var rows: [[String]] = [["department", "department_name", "system", "name", "description", "purpose", "data", "output_use", "vendor_involved", "vendor", "first_used"]]
        for item in figures.directory {
            rows.append([item.department, departmentName(item.department), item.system, item.name, item.description, item.purpose,
                         item.data.joined(separator: "; "), item.outputUse, item.vendorInvolved ? "yes" : "no", item.vendor ?? "", item.firstUsed ?? ""])
        }
        return CSVReader.write(rows)
    }
}
