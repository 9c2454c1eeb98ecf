import Foundation
import Testing
@testable import AlgoregKit

/// Fields that came from the parse cache are decoded only when something reads past the few
/// every build reads of every system; what is read is what decoding everything gives.
@Suite struct LazyFieldsTests {
    let cacheTests = ParseCacheTests()

    @Test func aRunWithTheCacheDecodesOnlyTheFieldsOfTheFileThatChanged() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try cacheTests.register(in: folder)
            _ = try cacheTests.validate(registry)
            let edited = registry.appendingPathComponent("systems/pothole-detection.md")
            try TestSupport.write(try TestSupport.read(edited) + "\nEdited.\n", to: edited)

            let (result, _) = try cacheTests.validate(registry)
            let register = try #require(result.register)
            try #require(register.entries.count >= 3)
            #expect(register.entries.filter { $0.lazyFields.isDecoded }.map(\.id) == ["pothole-detection"])
            #expect(register.entries.flatMap { $0.translations.values }.allSatisfy { !$0.lazyFields.isDecoded })

            // The public projection, the lists and the home page's counts read only summary fields.
            let publicRegister = PublicRegister(register, history: .none, sourceDateEpoch: "1767225600")
            let layout = SiteLayout(languages: register.settings.languages, baseURL: register.settings.baseURL)
            let (templates, _) = TemplateSet.load(TestSupport.templates.path, withReports: false)
            var contexts = PageContexts(register: publicRegister, templates: try #require(templates), layout: layout)
            contexts.prepareLists()
            #expect(publicRegister.systems.filter { $0.lazyFields.isDecoded }.map(\.id) == ["pothole-detection"])
            #expect(!contexts.byDepartment.isEmpty && !contexts.byFieldValue.isEmpty)

            // Read in full, every system's fields are those a run without the cache gives.
            let (uncached, _) = try cacheTests.validate(registry, cached: false)
            #expect(cacheTests.digest(result) == cacheTests.digest(uncached))
        }
    }

    @Test func aTransformAppliesToTheSummaryAtOnceAndToTheRestWhenDecoded() {
        func object(_ pairs: [(String, String)]) -> Object {
            Object(pairs.map { Member(key: $0.0, value: Value(.string($0.1))) })
        }
        let full = object([("name", "Chatbot"), ("department", "ict"), ("owner", "A. Person"), ("goal", "Answers")])
        let summary = object([("name", "Chatbot"), ("department", "ict")])
        let lazy = LazyFields(summary: summary) { full }
        let withoutPrivate = lazy.mapped { fields in
            var fields = fields
            fields.remove("department")
            fields.remove("owner")
            return fields
        }
        #expect(withoutPrivate["name"]?.string == "Chatbot")
        #expect(withoutPrivate["department"] == nil)
        #expect(!withoutPrivate.isDecoded && !lazy.isDecoded, "a summary field is read without decoding")
        #expect(withoutPrivate["goal"]?.string == "Answers")
        #expect(withoutPrivate.isDecoded)
        #expect(withoutPrivate.object.keys == ["name", "goal"])
        #expect(LazyFields(full)["owner"]?.string == "A. Person")
    }
}
