import Foundation
import Testing
@testable import AlgoregKit

/// Change history comes from real git: one `git log` for the whole register.
@Suite struct HistoryTests {
    func git(_ arguments: [String], in folder: URL, date: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging([
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
        ]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    @Test func readsFirstPublicationAndChangesPerFile() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        try git(["init", "-q"], in: register.folder, date: "2024-01-01T10:00:00Z")
        try git(["add", "."], in: register.folder, date: "2024-01-01T10:00:00Z")
        try git(["commit", "-q", "-m", "Publish the parking permit check"], in: register.folder, date: "2024-03-01T10:00:00Z")
        try register.write("systems/valid-entry.md", String(contentsOf: register.folder.appendingPathComponent("systems/valid-entry.md"), encoding: .utf8) + "More text.\n")
        try git(["commit", "-q", "-am", "Explain the appeal route"], in: register.folder, date: "2025-02-10T10:00:00Z")

        let history = History.read(registerFolder: register.folder)
        #expect(history.latest == "2025-02-10")
        #expect(history.changes(for: "systems/valid-entry.md") == [
            History.Change(date: "2025-02-10", message: "Explain the appeal route"),
            History.Change(date: "2024-03-01", message: "Publish the parking permit check"),
        ])
        #expect(history.changes(for: "register.yaml").count == 1)

        let result = register.validate()
        let published = PublicRegister(try #require(result.register), history: history)
        let system = try #require(published.systems.first)
        #expect(system.firstPublished == "2024-03-01")
        #expect(system.lastUpdated == "2025-02-10")
        #expect(published.contentDate == "2025-02-10")
    }

    @Test func yearFiguresCountChangesSeenByGit() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        try git(["init", "-q"], in: register.folder, date: "2024-01-01T10:00:00Z")
        try git(["add", "."], in: register.folder, date: "2024-01-01T10:00:00Z")
        try git(["commit", "-q", "-m", "Publish"], in: register.folder, date: "2024-03-01T10:00:00Z")
        try register.write("systems/valid-entry.md", String(contentsOf: register.folder.appendingPathComponent("systems/valid-entry.md"), encoding: .utf8) + "More.\n")
        try git(["commit", "-q", "-am", "Clarify"], in: register.folder, date: "2025-02-10T10:00:00Z")

        // The entry's own last_change_date is 2024-06-01; git saw a change in 2025 as well.
        let (figures2025, _) = YearFigures.compute(registry: register.path, year: 2025, options: ValidationOptions(today: "2025-01-01"))
        let headline = Dictionary(uniqueKeysWithValues: try #require(figures2025).headline.map { ($0.key, $0.value) })
        #expect(headline["systems"] == 1)
        #expect(headline["new"] == 0)
        #expect(headline["updated"] == 1)
        let (figures2023, _) = YearFigures.compute(registry: register.path, year: 2023, options: ValidationOptions(today: "2025-01-01"))
        #expect(figures2023?.hasData == false)
    }

    @Test func withoutGitTheFrontMatterDatesAreUsed() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let history = History.read(registerFolder: register.folder)
        #expect(history.latest == nil)
        let published = PublicRegister(try #require(register.validate().register), history: history)
        #expect(published.systems.first?.firstPublished == "2024-03-01")
        #expect(published.systems.first?.lastUpdated == "2024-06-01")
        #expect(published.contentDate == "2024-06-01")
    }

    @Test func sourceDateEpochFixesTheContentDate() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let published = PublicRegister(try #require(register.validate().register), history: .none, sourceDateEpoch: "1767225600")
        #expect(published.contentDate == "2026-01-01")
        #expect(PublicRegister.date(fromEpoch: "0") == "1970-01-01")
        #expect(PublicRegister.date(fromEpoch: "951782400") == "2000-02-29")
    }
}
