import Foundation
import Testing
@testable import AlgoregKit

@Suite struct SchemaValidatorTests {
    // MARK: Problems in the schema itself

    @Test func unknownKeywordSuggestsTheNearOneButStillCompiles() throws {
        let (schema, problems) = try compile("""
            {
              "type": "object",
              "requried": ["name"],
              "x-label": "Entry"
            }
            """)
        #expect(schema != nil)
        #expect(problems == [SchemaProblem(
            location: SourceLocation(line: 3, column: 3), code: .schemaUnknownKeyword,
            message: "Unknown schema keyword \"requried\".",
            fix: "Did you mean \"required\"? Custom annotations must start with \"x-\".")])
    }

    @Test func unknownKeywordFarFromAnyGetsGeneralAdvice() throws {
        let (_, problems) = try compile(#"{"colour": "red"}"#)
        #expect(problems.first?.code == .schemaUnknownKeyword)
        #expect(problems.first?.fix == "Remove it, or start a custom annotation's name with \"x-\".")
    }

    @Test func badRegexPointsAtThePatternOrKey() throws {
        let (schema, problems) = try compile("""
            {"properties": {"id": {"pattern": "[a-"}},
             "patternProperties": {"(x": true}}
            """)
        #expect(schema == nil)
        #expect(problems.map(\.code) == [.schemaBadRegex, .schemaBadRegex])
        #expect(problems.map(\.location) == [SourceLocation(line: 1, column: 35), SourceLocation(line: 2, column: 24)])
    }

    @Test func danglingReferenceSuggestsExistingDefinition() throws {
        let (schema, problems) = try compile("""
            {"$defs": {"person": {"type": "object"}},
             "properties": {"owner": {"$ref": "#/$defs/persn"}}}
            """)
        #expect(schema == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.code == .schemaDanglingRef)
        #expect(problems.first?.location == SourceLocation(line: 2, column: 35))
        #expect(problems.first?.fix == "Did you mean \"#/$defs/person\"?")
    }

    @Test func keywordsWithWrongShapesAreInvalid() throws {
        let (schema, problems) = try compile("""
            {"required": 5,
             "properties": {"a": {"type": "strnig"}, "b": {"minLength": -1}}}
            """)
        #expect(schema == nil)
        #expect(problems.map(\.code) == [.schemaInvalid, .schemaInvalid, .schemaInvalid])
        #expect(problems.map(\.location) == [
            SourceLocation(line: 1, column: 14), SourceLocation(line: 2, column: 31), SourceLocation(line: 2, column: 61),
        ])
        #expect(problems[1].fix == "Did you mean \"string\"?")
    }

    @Test func unsupportedFeaturesAreRefusedNotIgnored() throws {
        let (nestedID, nestedProblems) = try compile(#"{"$defs": {"a": {"$id": "http://example.com/a"}}}"#)
        #expect(nestedID == nil)
        #expect(nestedProblems.map(\.code) == [.schemaInvalid])
        let (remote, remoteProblems) = try compile(#"{"$ref": "https://example.com/other.json"}"#)
        #expect(remote == nil)
        #expect(remoteProblems.map(\.code) == [.schemaInvalid])
        let (unevaluated, _) = try compile(#"{"unevaluatedProperties": false}"#)
        #expect(unevaluated == nil)
    }

    @Test func referenceLoopWithoutProgressIsRefused() throws {
        let (schema, problems) = try compile(##"{"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##)
        #expect(schema == nil)
        #expect(problems.map(\.code) == [.schemaInvalid])
    }

    @Test func recursiveSchemaThroughPropertiesIsFine() throws {
        let schema = try validator(##"{"properties": {"child": {"$ref": "#"}}, "additionalProperties": false}"##)
        #expect(schema.isValid(try Value.parseJSON(#"{"child": {"child": {}}}"#)))
        #expect(!schema.isValid(try Value.parseJSON(#"{"child": {"child": {"other": 1}}}"#)))
    }

    // MARK: Violations

    @Test func unknownPropertyPointsAtItsKeyAndListsAllowedNames() throws {
        let schema = try validator(#"{"properties": {"name": {}, "owner": {}}, "additionalProperties": false}"#)
        let violations = schema.validate(try Value.parseJSON("{\n  \"name\": \"x\",\n  \"ownr\": \"y\"\n}"))
        #expect(violations.count == 1)
        #expect(violations.first?.location == SourceLocation(line: 3, column: 3))
        #expect(violations.first?.instancePath == [.key("ownr")])
        guard case .additionalProperty(let name, let allowed) = violations.first?.kind else {
            Issue.record("expected additionalProperty, got \(violations)")
            return
        }
        #expect(name == "ownr")
        #expect(allowed == ["name", "owner"])
        #expect(Suggest.closest(to: name, in: allowed) == "owner")
    }

    @Test func badEnumValuePointsAtTheValue() throws {
        let schema = try validator(#"{"properties": {"status": {"enum": ["pilot", "in use"]}}}"#)
        let violations = schema.validate(try Value.parseJSON("{\n  \"status\": \"retired\"\n}"))
        #expect(violations.count == 1)
        #expect(violations.first?.location == SourceLocation(line: 2, column: 13))
        #expect(violations.first?.instancePath == [.key("status")])
        #expect(violations.first?.kind.diagnosticCode == .notAllowedValue)
    }

    @Test func missingRequiredFieldsComeInOneViolationAtTheObject() throws {
        let schema = try validator(#"{"required": ["name", "owner", "status"]}"#)
        let violations = schema.validate(try Value.parseJSON("\n  {\"owner\": \"x\"}"))
        #expect(violations.count == 1)
        #expect(violations.first?.location == SourceLocation(line: 2, column: 3))
        guard case .missingRequired(let missing) = violations.first?.kind else {
            Issue.record("expected missingRequired, got \(violations)")
            return
        }
        #expect(missing == ["name", "status"])
    }

    @Test func conditionalViolationsCarryEnclosingDescriptionsOutermostFirst() throws {
        let schema = try validator("""
            {"allOf": [{
              "description": "Rules for systems that affect people",
              "if": {"properties": {"status": {"const": "pilot"}}},
              "then": {"allOf": [{
                "description": "A system in pilot needs a bias assessment",
                "if": true,
                "then": {"required": ["bias_assessment"]}
              }]}
            }]}
            """)
        let violations = schema.validate(try Value.parseJSON(#"{"status": "pilot"}"#))
        #expect(violations.count == 1)
        #expect(violations.first?.context == [
            "Rules for systems that affect people", "A system in pilot needs a bias assessment",
        ])
        #expect(schema.validate(try Value.parseJSON(#"{"status": "in use"}"#)).isEmpty)
    }

    @Test func anyOfKeepsEachBranchesViolations() throws {
        let schema = try validator(#"{"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 10}]}"#)
        let violations = schema.validate(try Value.parseJSON("3"))
        #expect(violations.count == 1)
        guard case .anyOf(let branches) = violations.first?.kind else {
            Issue.record("expected anyOf, got \(violations)")
            return
        }
        #expect(branches.map(\.count) == [1, 1])
        guard case .minimum(10) = branches[1].first?.kind else {
            Issue.record("expected minimum in the second branch, got \(branches[1])")
            return
        }
    }

    @Test func impossibleDatesAreToldApartFromMalformedOnes() throws {
        let schema = try validator(#"{"items": {"format": "date"}}"#)
        let kinds = schema.validate(try Value.parseJSON(#"["2023-02-28", "2023-02-30", "28.02.2023"]"#)).map(\.kind.diagnosticCode)
        #expect(kinds == [.impossibleDate, .wrongFormat])
    }

    @Test func nestedPathsAndIsValidAgree() throws {
        let schema = try validator("""
            {"properties": {"contacts": {"items": {"properties": {"email": {"format": "email"}}}}}}
            """)
        let instance = try Value.parseJSON(#"{"contacts": [{"email": "a@example.org"}, {"email": "nope"}]}"#)
        let violations = schema.validate(instance)
        #expect(violations.map(\.pathText) == ["contacts.1.email"])
        #expect(!schema.isValid(instance))
    }

    @Test func tenThousandEntriesValidateQuickly() throws {
        let schema = try validator("""
            {"type": "object", "required": ["id", "name", "status"], "additionalProperties": false,
             "properties": {
               "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
               "name": {"type": "string", "minLength": 3, "maxLength": 120},
               "status": {"enum": ["planned", "pilot", "in use", "retired"]},
               "updated": {"type": "string", "format": "date"},
               "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}
             },
             "if": {"properties": {"status": {"const": "pilot"}}},
             "then": {"required": ["updated"]}}
            """)
        let entry = try Value.parseJSON("""
            {"id": "chat-bot-7", "name": "Citizen chatbot", "status": "pilot", "updated": "2024-05-01",
             "tags": ["nlp", "service", "public"]}
            """)
        let clock = ContinuousClock()
        var violationCount = 0
        let elapsed = clock.measure {
            for _ in 0..<10_000 { violationCount += schema.validate(entry).count }
        }
        #expect(violationCount == 0)
        #expect(elapsed < .seconds(3), "10,000 entries took \(elapsed)")   // generous for debug builds
    }

    // MARK: Helpers

    private func compile(_ json: String) throws -> (schema: JSONSchema?, problems: [SchemaProblem]) {
        JSONSchema.compile(try Value.parseJSON(json))
    }

    private func validator(_ json: String) throws -> JSONSchema {
        let (schema, problems) = try compile(json)
        #expect(problems.isEmpty, "unexpected schema problems: \(problems)")
        return try #require(schema)
    }
}

/// A `pattern` of `^` and plain characters is checked as a prefix; it must agree with the
/// regular expression on every text, and patterns with any syntax keep the expression.
@Suite struct StringPatternTests {
    @Test func literalPrefixesAgreeWithTheRegularExpression() throws {
        let texts = ["https://a.example", "https://", "https:/", "HTTPS://a", "xhttps://a", "", "é https://", "https://é", "http://a"]
        for source in ["^https://", "^https?://", "^a.b", "^x-1", "^\\d"] {
            let regex = try NSRegularExpression(pattern: source)
            let pattern = StringPattern(regex, source: source)
            #expect((pattern.literalPrefix != nil) == ["^https://", "^x-1"].contains(source), "\(source)")
            for text in texts {
                let expected = regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
                #expect(pattern.matches(text) == expected, "\(source) on \(text)")
            }
        }
    }
}
