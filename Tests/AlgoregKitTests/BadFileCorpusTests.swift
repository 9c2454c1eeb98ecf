import Foundation
import Testing
@testable import AlgoregKit

/// Every file in Fixtures/bad is the small valid entry with one mistake; `⟦code⟧` marks where
/// the diagnostic must point. Each must give exactly the marked errors: no more, no fewer.
@Suite struct BadFileCorpusTests {
    static let corpus: [String] = {
        let folder = TestSupport.fixtures.appendingPathComponent("bad")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }()

    @Test func theFixtureRegisterIsClean() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let result = register.validate()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.register?.entries.map(\.id) == ["valid-entry"])
    }

    @Test(arguments: corpus)
    func reportsTheMarkedProblem(_ fixture: String) throws {
        let data = try Data(contentsOf: TestSupport.fixtures.appendingPathComponent("bad/\(fixture)"))
        let marked = MarkedText(String(decoding: data, as: UTF8.self))
        #expect(!marked.marks.isEmpty, "fixture \(fixture) has no ⟦code⟧ mark")
        let register = try TemporaryRegister()
        defer { register.delete() }
        try register.remove("systems/valid-entry.md")
        try register.write("systems/\(fixture)", marked.text)

        let result = register.validate()
        let errors = result.diagnostics.filter { $0.severity == .error }
        let found = Set(errors.map { MarkedText.Mark(code: $0.code.rawValue, line: $0.location?.line ?? 0, column: $0.location?.column ?? 0) })
        #expect(found == Set(marked.marks), "\(fixture): \(errors.map { "\($0.location.map(\.description) ?? "-") \($0.code.rawValue): \($0.message)" })")
        #expect(result.register == nil)
        for error in errors {
            #expect(error.file.hasSuffix("systems/\(fixture)"))
            #expect(!error.message.isEmpty)
            #expect(error.fix != nil, "\(fixture): \(error.code.rawValue) has no fix")
        }
    }
}
