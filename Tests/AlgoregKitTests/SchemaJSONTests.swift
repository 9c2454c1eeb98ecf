import Testing
@testable import AlgoregKit

@Suite struct SchemaJSONTests {
    @Test func keepsIntegersNumbersAndBooleansApart() throws {
        let value = try Value.parseJSON(#"[1, 1.0, 1e2, true, false, null, -0, 12345678901234567890]"#)
        let kinds = try #require(value.array).map(\.kind)
        guard case .integer(1) = kinds[0], case .number(1.0) = kinds[1], case .number(100) = kinds[2],
              case .bool(true) = kinds[3], case .bool(false) = kinds[4], case .null = kinds[5],
              case .integer(0) = kinds[6], case .number = kinds[7]
        else {
            Issue.record("unexpected kinds \(kinds)")
            return
        }
    }

    @Test func recordsLinesAndColumnsInUnicodeScalars() throws {
        let value = try Value.parseJSON("{\n  \"naïve\": \"é\", \"b\": [\n    true\n  ]\n}")
        let object = try #require(value.object)
        #expect(value.location == SourceLocation(line: 1, column: 1))
        #expect(object.member("naïve")?.keyLocation == SourceLocation(line: 2, column: 3))
        #expect(object.member("naïve")?.value.location == SourceLocation(line: 2, column: 12))
        #expect(object.member("b")?.keyLocation == SourceLocation(line: 2, column: 17))
        #expect(value["b"]?.array?.first?.location == SourceLocation(line: 3, column: 5))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try Value.parseJSON(#""a\"\\\/\n\t\u00e9\ud83d\ude00""#)
        #expect(value.string == "a\"\\/\n\té😀")
    }

    @Test func reportsWhereTheTextIsBroken() {
        #expect(throws: JSONParseError(message: "expected ',' or '}'", location: SourceLocation(line: 2, column: 9))) {
            try Value.parseJSON("{\"a\": 1,\n \"b\": 2 \"c\": 3}")
        }
        #expect(throws: JSONParseError.self) { try Value.parseJSON("[1, 2") }
        #expect(throws: JSONParseError.self) { try Value.parseJSON("01") }
        #expect(throws: JSONParseError.self) { try Value.parseJSON("{} x") }
    }

    @Test func writesCompactAndPrettyTextDeterministically() throws {
        let value = try Value.parseJSON(#"{"z": [1, 2.5, 3.0, {}], "a": {"b": null, "c": []}, "s": "é/\u0001\n"}"#)
        #expect(value.jsonText(pretty: false) == #"{"z":[1,2.5,3,{}],"a":{"b":null,"c":[]},"s":"é/\u0001\n"}"#)
        #expect(value.jsonText(pretty: true) == """
            {
              "z": [
                1,
                2.5,
                3,
                {}
              ],
              "a": {
                "b": null,
                "c": []
              },
              "s": "é/\\u0001\\n"
            }
            """)
    }

    @Test func writesNonFiniteNumbersAsNullAndRoundTrips() throws {
        #expect(Value(.array([Value(.number(.nan)), Value(.number(.infinity)), Value(.number(1e300))])).jsonText(pretty: false)
            == "[null,null,1e+300]")
        let text = #"{"text":"quote \" backslash \\ tab \t","list":[true,false,-7,0.125]}"#
        let value = try Value.parseJSON(text)
        #expect(value.jsonText(pretty: false) == text)
        #expect(try Value.parseJSON(value.jsonText(pretty: true)) == value)
    }
}
