import Foundation
import Testing
@testable import AlgoregKit

/// The annual report: its inputs (plan, narratives) and the year figures, computed by hand on
/// the four-system register in Fixtures/report (see the comments for each number).
@Suite struct ReportTests {
    static let today = ValidationOptions(today: "2025-06-01")

    func fixture() throws -> TemporaryRegister {
        try TemporaryRegister(copying: TestSupport.fixtures.appendingPathComponent("report"))
    }

    func publicRegister(_ register: TemporaryRegister) throws -> PublicRegister {
        let result = RegisterValidator.validate(register.path, options: Self.today)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        return PublicRegister(try #require(result.register), history: .none)
    }

    @Test func inputsAreLoaded() throws {
        let register = try fixture()
        defer { register.delete() }
        let model = try publicRegister(register)
        #expect(model.plan?.actions.map(\.id) == ["A1", "A2", "A3"])
        #expect(model.reports.map(\.year) == [2025])
        #expect(model.reports.first?.title.text("en", fallback: "en") == "Testville report 2025")
    }

    @Test func translatedNarrativesCarryOnlyText() throws {
        let register = try fixture()
        defer { register.delete() }
        let settings = try String(contentsOf: register.folder.appendingPathComponent("register.yaml"), encoding: .utf8)
        try register.write("register.yaml", settings.replacingOccurrences(of: "languages: [en]", with: "languages: [en, nl]"))
        try register.write("reports/2025.nl.md", "---\n---\nHet verslag.\n")
        try register.write("reports/2024.nl.md", "---\n---\nGeen verslag.\n")
        try register.write("reports/2025.fr.md", "---\ntitle: Rapport\n---\nLe rapport.\n")
        let result = RegisterValidator.validate(register.path, options: Self.today)
        let problems = result.diagnostics.filter { $0.file.contains("reports/") }
        #expect(problems.contains { $0.code == .orphanTranslation && $0.file.hasSuffix("2024.nl.md") })
        #expect(problems.contains { $0.code == .untranslatableField && $0.file.hasSuffix("2025.fr.md") && $0.location?.line == 2 })
        #expect(problems.contains { $0.code == .unknownLanguage && $0.file.hasSuffix("2025.fr.md") })

        try register.remove("reports/2024.nl.md")
        try register.remove("reports/2025.fr.md")
        let clean = RegisterValidator.validate(register.path, options: Self.today)
        let report = try #require(clean.register?.reports.first)
        #expect(report.body(language: "nl") == "Het verslag.\n")
        #expect(report.body(language: "en") == report.body)
    }

    @Test func figuresOf2025ByHand() throws {
        let register = try fixture()
        defer { register.delete() }
        let figures = YearFigures.compute(try publicRegister(register), year: 2025)
        #expect(figures.hasData && figures.firstYear == 2024)
        // In the register: all 4 (2 at the end of 2024). In use: signals, leaks (old-router retired
        // 2025-09-30, planner planned); in 2024 signals and old-router. New: leaks, planner.
        // Retired: old-router. Updated: signals and old-router (changed in 2025, published in 2024).
        #expect(figures.headline == [
            .init(key: "systems", value: 4, previous: 2), .init(key: "in_use", value: 2, previous: 2),
            .init(key: "new", value: 2, previous: 2), .init(key: "retired", value: 1, previous: 0),
            .init(key: "updated", value: 2, previous: 0),
        ])
        #expect(figures.headline.map(\.change) == [2, 0, 0, 1, 2])
        func counts(_ key: String) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: (figures.breakdowns.first { $0.key == key }?.counts ?? []).map { ($0.key, $0.count) })
        }
        #expect(counts("department") == ["mobility": 2, "water": 2])
        #expect(figures.breakdowns.first { $0.key == "status" }?.counts.map(\.key) == ["planned", "pilot", "operational", "retired"])
        #expect(counts("risk_category") == ["minimal risk": 2, "limited risk": 1, "high risk": 1])
        #expect(counts("development") == ["in-house": 3, "vendor": 1])
        #expect(counts("personal_data") == ["pseudonymised": 1, "none": 3])
        #expect(counts("algorithm_type") == ["self-learning": 1, "rule-based": 2, "hybrid": 1])
        // Coverage among signals and leaks: the signals' review was due 2025-12-01.
        #expect(figures.coverage == [
            .init(key: "bias_assessment", covered: 2, of: 2), .init(key: "human_oversight", covered: 2, of: 2),
            .init(key: "impact_assessment", covered: 1, of: 1), .init(key: "review", covered: 1, of: 2),
        ])
        #expect(figures.coverage.map(\.percent) == [100, 100, 100, 50])
        #expect(figures.shortfalls == [.init(department: "mobility", system: "signals", name: "Traffic signals", missing: ["review"])])
        // Directory: in use at the end of 2025, or retired during it; by department (mobility first).
        #expect(figures.directory.map(\.system) == ["signals", "leaks", "old-router"])
        let signals = try #require(figures.directory.first)
        #expect(signals.vendorInvolved && signals.vendor == "SignalCo" && signals.firstUsed == "2023-06")
        #expect(signals.data == ["Vehicle counts (Road sensors; personal data: pseudonymised)"])
    }

    @Test func figuresOf2024ByHand() throws {
        let register = try fixture()
        defer { register.delete() }
        let figures = YearFigures.compute(try publicRegister(register), year: 2024)
        // The first year: no previous year to compare with.
        #expect(figures.headline.map(\.value) == [2, 2, 2, 0, 0])
        #expect(figures.headline.allSatisfy { $0.previous == nil })
        // old-router was in use in 2024 (retired in 2025) without a bias assessment or oversight.
        #expect(figures.coverage.map(\.covered) == [1, 1, 1, 2])
        #expect(figures.coverage.map(\.of) == [2, 2, 1, 2])
        #expect(figures.shortfalls == [.init(department: "water", system: "old-router", name: "Old route planner", missing: ["bias_assessment", "human_oversight"])])
        #expect(figures.breakdowns.first { $0.key == "status" }?.counts == [.init(key: "operational", count: 2)])
    }

    @Test func planProgressByHand() throws {
        let register = try fixture()
        defer { register.delete() }
        let plan = try #require(YearFigures.compute(try publicRegister(register), year: 2025).plan)
        #expect(plan.total == 3 && plan.initiated == 3 && plan.previousInitiated == 1)
        #expect(plan.counts.map(\.count) == [0, 1, 1, 1])
        #expect(plan.completedThisYear == ["A1"])
        #expect(plan.timelineRevisedThisYear == ["A2"])
        #expect(plan.initiatives.map { "\($0.id) \($0.initiated)/\($0.total)" } == ["gov 2/2", "open 1/1"])
        #expect(plan.actions.map(\.previousStatus) == ["in progress", "not started", "not started"])
        #expect(plan.actions[1].note?.text("en", fallback: "en") == "Moved to 2026.")
        // A year without progress keeps the latest earlier status.
        let later = try #require(YearFigures.compute(try publicRegister(register), year: 2026).plan)
        #expect(later.actions.map(\.status) == ["complete", "timeline revised", "in progress"])
        #expect(later.completedThisYear.isEmpty)
    }

    @Test func aYearBeforeTheRegisterHasNoData() throws {
        let register = try fixture()
        defer { register.delete() }
        let figures = YearFigures.compute(try publicRegister(register), year: 2023)
        #expect(!figures.hasData && figures.headline.isEmpty && figures.directory.isEmpty)
        #expect(ReportData.figuresCSV(figures).contains("headline,no_data"))
    }

    @Test func aRegisterWithoutSystemsOrPlan() throws {
        let register = try fixture()
        defer { register.delete() }
        for name in ["signals", "leaks", "old-router", "planner"] { try register.remove("systems/\(name).md") }
        try register.remove("plan.yaml")
        let result = RegisterValidator.validate(register.path, options: Self.today)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let model = PublicRegister(try #require(result.register), history: .none)
        #expect(model.plan == nil)
        let figures = YearFigures.compute(model, year: 2025)
        #expect(!figures.hasData && figures.firstYear == nil && figures.plan == nil)
        #expect(ReportData.value(figures)["plan"]?.isNull == true)
    }

    @Test func aPlanWithoutProgressWithAnUnknownDepartmentIsAnError() throws {
        let register = try fixture()
        defer { register.delete() }
        try register.write("plan.yaml", """
        initiatives:
          - id: gov
            title: Governance
        actions:
          - id: A1
            title: Adopt a policy
            initiative: gov
            department: parks
            due: "2025-06"
          - id: A1
            title: Again
            initiative: govv
            department: water
            due: "2025-13"

        """)
        let found = register.validate().diagnostics.filter { $0.file.hasSuffix("plan.yaml") }
        let department = try #require(found.first { $0.code == .unknownDepartment })
        #expect(department.location == SourceLocation(line: 8, column: 17))
        #expect(department.message.contains("`parks`"))
        #expect(found.contains { $0.code == .duplicateAction && $0.location?.line == 10 })
        #expect(found.contains { $0.code == .unknownInitiative && $0.location == SourceLocation(line: 12, column: 17) && $0.fix?.contains("`gov`") == true })
        #expect(found.contains { $0.code == .patternMismatch && $0.location?.line == 14 })
    }

    @Test func narrativeYearMustMatchItsFileAndBadNamesAreRefused() throws {
        let register = try fixture()
        defer { register.delete() }
        try register.write("reports/2024.md", "---\nyear: 2023\ntitle: Wrong year\npublication_date: 2025-02-01\n---\nText.\n")
        try register.write("reports/annual.md", "---\nyear: 2023\n---\n")
        let found = register.validate().diagnostics.filter { $0.file.contains("/reports/") }
        #expect(found.map(\.code).sorted { $0.rawValue < $1.rawValue } == [.badFileName, .reportYearMismatch])
        #expect(found.first { $0.code == .reportYearMismatch }?.location == SourceLocation(line: 2, column: 7))
    }

    @Test func reportDownloadsAreStable() throws {
        let register = try fixture()
        defer { register.delete() }
        let figures = YearFigures.compute(try publicRegister(register), year: 2025)
        let csv = ReportData.figuresCSV(figures)
        #expect(csv.hasPrefix("chapter,measure,category,value,previous_year,change\r\nheadline,systems,,4,2,2\r\n"))
        #expect(csv.contains("plan,initiated_or_completed,,3,1,2\r\n"))
        let directory = ReportData.directoryCSV(figures) { $0 }
        #expect(directory.split(separator: "\r\n").count == 4)
        #expect(ReportData.json(figures) == ReportData.json(YearFigures.compute(try publicRegister(register), year: 2025)))
    }

    @Test func chartsHaveATextAlternativeAndNoColourOnly() {
        let svg = ReportCharts.stacked(id: "c", title: "3 of 4 <done>", items: [.init(label: "Complete", value: 3), .init(label: "Not started", value: 1)])
        #expect(svg.contains("role=\"img\"") && svg.contains("<title id=\"c-title\">3 of 4 &lt;done&gt;</title>"))
        #expect(svg.contains("<desc id=\"c-desc\">Complete: 3; Not started: 1.</desc>"))
        #expect(!svg.contains("#") || !svg.contains("fill=\"#"))
        #expect(svg.contains("url(#c-p1)"))
    }
}
