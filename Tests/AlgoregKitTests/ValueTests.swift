import Testing
@testable import AlgoregKit

@Suite struct ValueTests {
    @Test func equalityIgnoresLocationAndNumberRepresentation() {
        #expect(Value(.integer(1), at: SourceLocation(line: 3, column: 4)) == Value(.number(1.0)))
        #expect(Value(.string("a")) != Value(.string("b")))
    }

    @Test func objectKeepsOrderAndReplacesInPlace() {
        var object = Object([Member(key: "b", value: Value(.integer(1))), Member(key: "a", value: Value(.integer(2)))])
        object.set(Member(key: "b", value: Value(.integer(3))))
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == Value(.integer(3)))
        object.remove("b")
        #expect(object.keys == ["a"])
        #expect(object["a"] == Value(.integer(2)))
    }
}

@Suite struct TextUtilityTests {
    @Test func trimsWhitespaceAndNewlines() {
        #expect("  \n Café \t\n".trimmed == "Café")
        #expect(" \n ".trimmed == "")
    }

    @Test func replacesEveryOccurrence() {
        #expect("a\"b\"\"c".replacingEvery("\"", with: "\"\"") == "a\"\"b\"\"\"\"c")
        #expect("2024-05".replacingEvery("-", with: "/") == "2024/05")
        #expect("x@@r@@y@@r@@".replacingEvery("@@r@@", with: "../") == "x../y../")
        #expect("no match".replacingEvery("@@", with: "x") == "no match")
        #expect("한국어 텍스트".replacingEvery("국", with: "-") == "한-어 텍스트")
    }
}
