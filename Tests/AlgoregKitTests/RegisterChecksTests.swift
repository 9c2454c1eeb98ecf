import Foundation
import Testing
@testable import AlgoregKit

/// Checks that look across files: ids, names, translations, dates, placeholders, drafts.
@Suite struct RegisterChecksTests {
    @Test func todayIsTheDateInUTCThatAFormatterGives() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let before = formatter.string(from: Date())
        let today = ValidationOptions.currentDate()
        // Either side of midnight, the two may be a day apart; never anything else.
        #expect(today == before || today == formatter.string(from: Date()))
    }

    let validEntry: String = (try? String(contentsOf: TestSupport.fixtures.appendingPathComponent("register/systems/valid-entry.md"), encoding: .utf8)) ?? ""

    func register(languages: String = "[en]") throws -> TemporaryRegister {
        let register = try TemporaryRegister()
        let settings = try String(contentsOf: register.folder.appendingPathComponent("register.yaml"), encoding: .utf8)
        try register.write("register.yaml", settings.replacingOccurrences(of: "languages: [en]", with: "languages: \(languages)"))
        return register
    }

    /// Names compare as the general rule says (lowercase, white space runs as one space) on the
    /// byte path for ASCII too.
    @Test func namesCompareIgnoringCaseAndSpacing() {
        let samples = ["Parking  permit\tcheck", " Parking permit check ", "PARKING PERMIT CHECK", "parking\npermit\r\ncheck", "a", "", "  ",
                       "Zone\u{0B}A", "Café check", "ÉLAN  Check", "x\u{0C}\u{0C}y", "AZaz09@[`{"]
        for sample in samples {
            #expect(ContentChecks.comparableName(sample) == sample.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "), "\(sample.debugDescription)")
        }
    }

    /// The fixture entry with some of its lines replaced, and what validating it gives.
    func validateEntry(replacing lines: [String: String]) throws -> (entry: String, diagnostics: [Diagnostic]) {
        let register = try register()
        defer { register.delete() }
        let entry = lines.reduce(validEntry) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        try register.write("systems/valid-entry.md", entry)
        return (entry, register.validate().diagnostics)
    }

    /// A web-address field (at any depth, in lists of groups too) is a link as a whole; a field
    /// of another name or depth that holds the same text is not.
    @Test func webAddressFieldsAreCheckedAsLinksWhereverTheSchemaPutsThem() throws {
        let (entry, diagnostics) = try validateEntry(replacing: [
            "    personal_data: none\n": "    personal_data: none\n    link: javascript:alert(1)\n",
            "owner: Head of Parking\n": "owner: javascript:alert(2)\n",
        ])
        let unsafe = diagnostics.filter { $0.code == .unsafeLink }
        #expect(unsafe.map(\.message) == ["The link `javascript:alert(1)` uses `javascript:`; only https, http and mailto links are published."])
        let line = entry.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("alert(1)") }.map { $0 + 1 }
        #expect(unsafe.first?.location == SourceLocation(line: line ?? 0, column: 11))
        // The schema's pattern says the same in words, quoting the value.
        #expect(diagnostics.filter { $0.code == .patternMismatch }.map(\.message)
            == ["The field `link` in item 1 of `datasets` is `javascript:alert(1)`, which is not in the expected form."])
    }

    /// A field left as `algoreg new` wrote it is named by its path, nested ones too.
    @Test func fillInMarkersAreReportedByTheFieldsPath() throws {
        let (_, diagnostics) = try validateEntry(replacing: [
            "owner: Head of Parking\n": "owner: \"FILL IN: who owns it\"\n",
            "    source: Parking rights register\n": "    source: \"  FILL IN: where the data comes from\"\n",
        ])
        let messages = diagnostics.filter { $0.code == .placeholderLeft }.map(\.message)
        #expect(messages == ["`owner` still has the placeholder text that `algoreg new` wrote.",
                             "`datasets.source` still has the placeholder text that `algoreg new` wrote."])
    }

    @Test func duplicateIDsInSubfoldersAndDuplicateNames() throws {
        let register = try register()
        defer { register.delete() }
        try register.write("systems/water/valid-entry.md", validEntry)
        try register.write("systems/other.md", validEntry)
        let codes = register.validate().diagnostics.map(\.code)
        #expect(codes.filter { $0 == .duplicateID }.count == 1)
        #expect(codes.filter { $0 == .duplicateName }.count == 2)
    }

    @Test func translationsAreCheckedAgainstTheEntryAndTheLanguages() throws {
        let register = try register(languages: "[en, nl]")
        defer { register.delete() }
        try register.write("systems/valid-entry.nl.md", "---\ndescription_short: Controleert of een geparkeerde auto een geldige vergunning heeft.\nstatus: pilot\n---\nTekst.\n")
        try register.write("systems/ghost.nl.md", "---\ngoal: |\n  Een doel dat lang genoeg is om te tellen.\n---\n")
        try register.write("systems/valid-entry.fr.md", "---\ngoal: |\n  Un objectif assez long pour compter.\n---\n")
        let diagnostics = register.validate().diagnostics
        let untranslatable = diagnostics.first { $0.code == .untranslatableField }
        #expect(untranslatable?.file.hasSuffix("valid-entry.nl.md") == true)
        #expect(untranslatable?.location == SourceLocation(line: 3, column: 1))
        #expect(diagnostics.contains { $0.code == .orphanTranslation && $0.file.hasSuffix("ghost.nl.md") })
        #expect(diagnostics.contains { $0.code == .unknownLanguage && $0.file.hasSuffix("valid-entry.fr.md") })
    }

    @Test func aMissingTranslationIsAWarning() throws {
        let register = try register(languages: "[en, nl]")
        defer { register.delete() }
        let result = register.validate()
        #expect(result.diagnostics.map(\.code) == [.missingTranslation])
        #expect(result.diagnostics.first?.severity == .warning)
        #expect(result.register != nil)
    }

    @Test func translatedTextIsValidatedInTheTranslationFile() throws {
        let register = try register(languages: "[en, nl]")
        defer { register.delete() }
        try register.write("systems/valid-entry.nl.md", "---\ndescription_short: \(String(repeating: "lang ", count: 40))\n---\n")
        let found = register.validate().diagnostics.filter { $0.severity == .error }
        #expect(found.map(\.code) == [.tooLong])
        #expect(found.first?.file.hasSuffix("valid-entry.nl.md") == true)
    }

    @Test func overdueReviewAndPlaceholdersAreWarnings() throws {
        let register = try register()
        defer { register.delete() }
        try register.write("systems/valid-entry.md", validEntry
            .replacingOccurrences(of: "revision_date: 2099-01-01", with: "revision_date: 2024-12-31")
            .replacingOccurrences(of: "The permit check compares", with: "TODO: describe. The permit check compares"))
        let diagnostics = register.validate(today: "2025-01-01").diagnostics
        #expect(Set(diagnostics.map(\.code)) == [.revisionOverdue, .placeholderText])
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        #expect(diagnostics.first { $0.code == .placeholderText }?.location == SourceLocation(line: 30, column: 1))
    }

    @Test func draftsReportMissingFieldsAsWarnings() throws {
        let register = try register()
        defer { register.delete() }
        try register.write("systems/draft-entry.md", "---\nname: Imported system\ndraft: true\nstatus: planed\n---\n")
        let diagnostics = register.validate().diagnostics
        #expect(diagnostics.contains { $0.code == .draftIncomplete && $0.severity == .warning })
        // Structure is still checked: a bad status value is an error even in a draft.
        #expect(diagnostics.contains { $0.code == .notAllowedValue && $0.severity == .error })
    }

    @Test func settingsAreValidatedLikeEntries() throws {
        let register = try register()
        defer { register.delete() }
        try register.write("register.yaml", "organization: Testville\nbase_url: not a url\nlanguages: [en]\ndepartmens: {}\n")
        let diagnostics = register.validate().diagnostics.filter { $0.file.hasSuffix("register.yaml") }
        #expect(diagnostics.contains { $0.code == .unknownField && $0.fix?.contains("departments") == true })
        #expect(diagnostics.contains { $0.code == .wrongFormat || $0.code == .patternMismatch })
    }

    @Test func schemaProblemsPointIntoTheSchemaFile() throws {
        let register = try register()
        defer { register.delete() }
        try register.write("schema.yaml", "type: object\nproperties:\n  name: {type: string, maxLenght: 5}\n  code: {type: string, pattern: \"([a-z\"}\n")
        let diagnostics = register.validate().diagnostics.filter { $0.file.hasSuffix("schema.yaml") }
        #expect(diagnostics.contains { $0.code == .schemaUnknownKeyword && $0.location?.line == 3 && $0.fix?.contains("maxLength") == true })
        #expect(diagnostics.contains { $0.code == .schemaBadRegex && $0.location?.line == 4 })
    }
}

@Suite struct PlaceholderScanTests {
    @Test func findsWholeWordsInAnyCase() {
        #expect(ContentChecks.findPlaceholder(in: "Owner: TODO")?.word == "TODO")
        #expect(ContentChecks.findPlaceholder(in: "Lorem Ipsum dolor")?.word == "Lorem Ipsum")
        #expect(ContentChecks.findPlaceholder(in: "Café tbd.")?.offset == 5)
        #expect(ContentChecks.findPlaceholder(in: "a todolist, fixmeup and tbdx") == nil)
        #expect(ContentChecks.findPlaceholder(in: "Toddlers and the lorem") == nil)
    }
}

@Suite struct LinkScanTests {
    @Test func findsInlineAutolinkAndReferenceTargets() {
        #expect(ContentChecks.linkTargets(in: "See [rules](javascript:alert(1)) now").map(\.0) == ["javascript:alert(1"])
        #expect(ContentChecks.linkTargets(in: "See [rules](javascript:alert(1)) now").map(\.1) == [12])
        #expect(ContentChecks.linkTargets(in: "Mail <mailto:a@b.example> or <file:///etc/passwd>").map(\.0) == ["mailto:a@b.example", "file:///etc/passwd"])
        #expect(ContentChecks.linkTargets(in: "  [ref]: <data:text/html,x>").map(\.0) == ["data:text/html,x"])
        #expect(ContentChecks.linkTargets(in: "Café [x]( https://ok.example )").map(\.1) == [10])
        #expect(ContentChecks.linkTargets(in: "a < b and [c] (d)").isEmpty)
    }

    @Test func schemesAreLettersDigitsAndPlusMinusDot() {
        #expect(ContentChecks.isSchemeLike("javascript"))
        #expect(ContentChecks.isSchemeLike("svn+ssh"))
        #expect(ContentChecks.isSchemeLike("x-1.0"))
        #expect(!ContentChecks.isSchemeLike("see also"))
        #expect(!ContentChecks.isSchemeLike("note_1"))
        #expect(ContentChecks.isSchemeLike("café"), "letters beyond ASCII count, as before")
        #expect(!ContentChecks.isSchemeLike("café!"))
    }
}
