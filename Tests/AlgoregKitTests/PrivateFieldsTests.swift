import Testing
@testable import AlgoregKit

/// `PublicRegister.PrivateFields` removes every `x-private` field, at any depth, before any
/// page or file is made from an entry.
@Suite struct PrivateFieldsTests {
    static let schema = """
        type: object
        properties:
          name: {type: string}
          phone: {type: string, x-private: true}
          vendor:
            type: object
            properties:
              company: {type: string}
              contract: {type: string, x-private: true}
          datasets:
            type: array
            items:
              type: object
              properties:
                title: {type: string}
                steward_email: {type: string, x-private: true}
          keywords: {type: array, items: {type: string}}
        """

    static let entry = """
        name: Parking scan
        phone: "+31 40 555 0142"
        vendor: {company: City Systems, contract: until 2027}
        datasets:
          - {title: Permits, steward_email: a@city.example}
          - {title: Scans}
          - {steward_email: b@city.example, title: Fines}
        keywords: [parking, permits]
        extra: kept
        """

    func privacy() throws -> PublicRegister.PrivateFields {
        let schema = try #require(YAMLLoader.load(Self.schema).value)
        return PublicRegister.PrivateFields(EntrySchema.fields(of: schema, root: schema))
    }

    @Test func privateFieldsGoAtEveryDepthAndTheRestKeepsItsOrder() throws {
        let fields = try #require(YAMLLoader.load(Self.entry).value?.object)
        let kept = try privacy().removed(from: fields)
        #expect(kept.keys == ["name", "vendor", "datasets", "keywords", "extra"])
        #expect(kept["phone"] == nil)
        #expect(kept["vendor"]?.object?.keys == ["company"])
        #expect(kept["vendor"]?["company"]?.string == "City Systems")
        let datasets = try #require(kept["datasets"]?.array)
        #expect(datasets.map { $0.object?.keys ?? [] } == [["title"], ["title"], ["title"]])
        #expect(datasets.map { $0["title"]?.string } == ["Permits", "Scans", "Fines"])
        let json = Value(.object(kept)).jsonText(pretty: false)
        #expect(!json.contains("555") && !json.contains("@city.example") && !json.contains("2027"))
        // Looked up by key after the removal, not only listed.
        #expect(kept["extra"]?.string == "kept")
        #expect(kept["keywords"]?.array?.count == 2)
    }

    @Test func anEntryWithoutPrivateFieldsIsLeftAsItIs() throws {
        let fields = try #require(YAMLLoader.load("name: Scan\nvendor: {company: City Systems}\nkeywords: [a]\n").value?.object)
        let kept = try privacy().removed(from: fields)
        #expect(kept.keys == fields.keys)
        #expect(Value(.object(kept)).jsonText(pretty: false) == Value(.object(fields)).jsonText(pretty: false))
    }
}
