import Testing
@testable import AlgoregKit

/// The open data lists every system's fields the same way, whatever order its file has.
@Suite struct OpenDataTests {
    /// The schema's order first, then fields the schema does not know in their own order; an
    /// object already in the schema's order comes out as it is.
    @Test func fieldsComeInTheSchemasOrder() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let schema = try #require(register.validate().register?.schema)
        let keys = schema.fields.map(\.key)
        func object(_ keys: [String]) -> Object { Object(keys.map { Member(key: $0, value: Value(.string($0))) }) }
        func ordered(_ keys: [String]) -> [String] { OpenData.ordered(object(keys), schema: schema).members.map(\.key) }
        #expect(ordered([keys[0], keys[2], keys[5]]) == [keys[0], keys[2], keys[5]])
        #expect(ordered([keys[5], "zz_extra", keys[0], "aa_extra", keys[2]]) == [keys[0], keys[2], keys[5], "zz_extra", "aa_extra"])
        #expect(ordered([keys[0], "extra"]) == [keys[0], "extra"])
        #expect(ordered(["extra", keys[3]]) == [keys[3], "extra"])
        #expect(ordered([]) == [])
    }
}
