import Testing
@testable import AlgoregKit

@Suite struct YAMLLoaderTests {
    func load(_ text: String) -> (Value?, [YAMLLoader.Problem]) { YAMLLoader.load(text) }

    @Test func keepsLineAndColumnOfKeysAndValues() throws {
        let (value, problems) = load("name: Chatbot\ndatasets:\n  - name: Logs\n    personal_data: none\n")
        #expect(problems.isEmpty)
        let object = try #require(value?.object)
        #expect(object.member("name")?.keyLocation == SourceLocation(line: 1, column: 1))
        #expect(object["name"]?.location == SourceLocation(line: 1, column: 7))
        let dataset = try #require(object["datasets"]?.array?.first?.object)
        #expect(dataset.member("personal_data")?.keyLocation == SourceLocation(line: 4, column: 5))
        #expect(dataset["personal_data"]?.location == SourceLocation(line: 4, column: 20))
    }

    @Test func resolvesScalarsWithTheYAML12CoreSchema() {
        let (value, _) = load("a: yes\nb: no\nc: true\nd: 12\ne: 1.5\nf: 2024-05-01\ng: ~\nh: '12'\ni: 0x1F\nj: -3\nk: 1e3\nl: 1.2.3\n")
        #expect(value?["a"]?.string == "yes")
        #expect(value?["b"]?.string == "no")
        #expect(value?["c"]?.bool == true)
        #expect(value?["d"] == Value(.integer(12)))
        #expect(value?["e"] == Value(.number(1.5)))
        #expect(value?["f"]?.string == "2024-05-01")
        #expect(value?["g"]?.isNull == true)
        #expect(value?["h"]?.string == "12")
        #expect(value?["i"] == Value(.integer(31)))
        #expect(value?["j"] == Value(.integer(-3)))
        #expect(value?["k"] == Value(.number(1000)))
        #expect(value?["l"]?.string == "1.2.3")
    }

    @Test func reportsDuplicateKeysAtTheSecondOne() {
        let (value, problems) = load("name: A\nstatus: pilot\nname: B\n")
        #expect(problems.map(\.code) == [.duplicateKey])
        #expect(problems.first?.location == SourceLocation(line: 3, column: 1))
        #expect(problems.first?.message.contains("line 1") == true)
        #expect(value?["name"]?.string == "A")
    }

    @Test func reportsNonTextKeys() {
        let (_, problems) = load("2024: x\ntrue: y\n[a, b]: z\nok: 1\n")
        #expect(problems.map(\.code) == [.nonStringKey, .nonStringKey, .nonStringKey])
        #expect(problems.map(\.location.line) == [1, 2, 3])
    }

    @Test func explainsTabsInIndentation() {
        let (value, problems) = load("datasets:\n  - name: x\n\tsource: y\n")
        #expect(value == nil)
        #expect(problems.map(\.code) == [.yamlTab])
        #expect(problems.first?.location == SourceLocation(line: 3, column: 1))
    }

    @Test func expandsAliases() {
        let (value, problems) = load("base: &b {x: 1}\ncopy: *b\n")
        #expect(problems.isEmpty)
        #expect(value?["copy"]?["x"] == Value(.integer(1)))
    }

    @Test func shiftsLinesForFrontMatter() {
        let (value, _) = YAMLLoader.load("name: x\n", lineOffset: 1)
        #expect(value?.object?.member("name")?.keyLocation == SourceLocation(line: 2, column: 1))
    }

    @Test func emptyTextIsNull() {
        let (value, problems) = load("")
        #expect(value?.isNull == true)
        #expect(problems.isEmpty)
    }
}

@Suite struct FrontMatterTests {
    @Test func splitsFieldsAndBodyWithLineNumbers() throws {
        let split = try FrontMatter.split("---\nname: x\n---\nBody line\n").get()
        #expect(split.yaml == "name: x\n")
        #expect(split.body == "Body line\n")
        #expect(split.bodyLine == 4)
    }

    @Test func needsOpeningAndClosingLines() {
        #expect(throws: FrontMatter.SplitError.missingOpening) { try FrontMatter.split("name: x\n").get() }
        #expect(throws: FrontMatter.SplitError.unterminated) { try FrontMatter.split("---\nname: x\n").get() }
    }
}
