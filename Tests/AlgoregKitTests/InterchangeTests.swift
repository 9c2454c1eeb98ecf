import Foundation
import Testing
@testable import AlgoregKit

/// Import from and export to other registers' formats (issue 7).
@Suite struct InterchangeTests {
    static let fixtures = TestSupport.fixtures.appendingPathComponent("interchange")

    func importFixture(_ name: String, format: String, into register: TemporaryRegister, dryRun: Bool = false, update: Bool = false) -> Importer.Result {
        Importer.run(file: Self.fixtures.appendingPathComponent(name).path, preset: ImportPreset.named(format)!,
                     options: ImportOptions(registry: register.path, dryRun: dryRun, update: update, displayPath: name))
    }

    func entry(_ id: String, in register: TemporaryRegister) -> EntryFile? {
        RegisterLoader.load(register.path).entries.first { $0.id == id }
    }

    // MARK: CSV

    @Test func csvQuotedLineBreaksDoubledQuotesAndPositions() {
        let table = CSVReader.parse("a,b\r\n1,\"x \"\"y\"\"\r\nz\"\r\n\r\n 2 ,last\n")
        #expect(table.columns == ["a", "b"])
        #expect(table.rows.map { $0.map(\.text) } == [["1", "x \"y\"\nz"], [" 2 ", "last"]])
        #expect(table.rows[0][1].location == SourceLocation(line: 2, column: 3))
        #expect(table.rows[1][1].location == SourceLocation(line: 5, column: 5))
        #expect(table.rowNumbers == [2, 4])
    }

    @Test func encodings() {
        let bom = CSVReader.read([0xEF, 0xBB, 0xBF] + Array("name\nCafé\n".utf8))
        #expect(bom.columns == ["name"] && bom.rows[0][0].text == "Café" && bom.encoding == .utf8)
        let cp1252 = CSVReader.read(Array("name\nCaf".utf8) + [0xE9, 0x20, 0x96, 0x0A])
        #expect(cp1252.encoding == .cp1252 && cp1252.rows[0][0].text == "Café –")
        let utf16 = CSVReader.read([0xFF, 0xFE] + "a,b\n1,é\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(utf16.encoding == .utf16 && utf16.rows[0][1].text == "é")
        let forced = CSVReader.read(Array("x\n".utf8) + [0xE9, 0x0A], encoding: .cp1252)
        #expect(forced.rows[0][0].text == "é")
    }

    @Test func recodingKeys() {
        #expect(Recode.key("b)  b)  Pilot – The use case has been deployed") == "pilot")
        #expect(Recode.key("a) Pre-deployment ñ in development") == "pre-deployment")
        #expect(Recode.key("c) Deployed â€“ in use ") == "deployed")
        #expect(Recode.key("  In   Gebruik ") == "in gebruik")
        #expect(Recode.list("['Age', 'Race/Ethnicity']") == ["Age", "Race/Ethnicity"])
        #expect(Recode.list("Matching; Optimization") == ["Matching", "Optimization"])
        #expect(Recode.yearMonth("2015/03").value == "2015-03")
        #expect(Recode.yearMonth("2003/00") == (nil, true))
        #expect(Recode.yearMonth("2018/13").recognised == false)
    }

    // MARK: YAML emitter

    @Test func yamlEmitterRoundTripsThroughTheLoader() throws {
        let strings = ["plain", "yes", "no", "true", "null", "~", "123", "1.5", "2024-05-01", "- dash", "key: value", "a #hash", "#start",
                       "'quoted'", "\"dq\"", " lead", "trail ", "two\nlines", "trailing newline\n", "keep\n\n", "\ttab", "é ü – ’", "",
                       "colon:", "[x]", "{y}", "*star", "&amp", "!bang", "%pct", "@at", "`tick", "| pipe", "> gt", "line\r\nwindows", "a\u{0007}bell",
                       "multi\n  indented\n\nblank", "0x1F", ".inf", "-.5", "+1"]
        var members = strings.enumerated().map { Member(key: "k\($0.offset)", value: Value(.string($0.element))) }
        members.append(Member(key: "list", value: Value(.array(strings.map { Value(.string($0)) }))))
        members.append(Member(key: "nested", value: Value(.object(Object([
            Member(key: "flag", value: Value(.bool(false))), Member(key: "n", value: Value(.integer(3))),
            Member(key: "items", value: Value(.array([Value(.object(Object([Member(key: "title", value: Value(.string("A: b"))), Member(key: "link", value: Value(.string("https://x.example"))) ])))]))),
            Member(key: "empty", value: Value(.array([]))), Member(key: "key with: colon", value: Value(.string("v"))),
        ])))))
        let object = Object(members)
        let text = YAMLEmitter.emit(object)
        let (value, problems) = YAMLLoader.load(text)
        #expect(problems.isEmpty)
        #expect(value == Value(.object(object)), "\(text)")
    }

    // MARK: Presets

    @Test func usInventory() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let result = importFixture("us-2025.csv", format: "us-2025", into: register)
        let s = result.summary
        #expect(s.rowsRead == 6 && s.written.count == 4 && s.mergedRows == 1 && s.skipped.count == 1)
        #expect(s.unrecognised == ["row 5, column K `topic_area`: \"Space weather\""])
        #expect(s.departmentsAdded == ["federal-highway-administration", "office-of-the-inspector-general"])
        let warning = try #require(result.diagnostics.first { $0.code == .importUnrecognisedValue })
        #expect(warning.location == SourceLocation(line: 6, column: 76))
        let signals = try #require(entry("dot-0001", in: register)).document.fields
        #expect(signals["name"]?.string == "Traffic signal timing")
        #expect(signals["status"]?.string == "operational")
        #expect(signals["developed_in_house"]?.bool == false)
        #expect(signals["first_used"]?.string == "2021-04")
        #expect(signals["codebase_url"]?.string == "https://code.dot.example/signals")   // from the merged row
        #expect(signals["impact"]?.string == "Shorter waits.\nFewer stops for buses, \"green waves\" for cyclists.")
        #expect(signals["imported"]?["columns"]?["demographic_features"] == Value(.array([Value(.string("Age")), Value(.string("Disability"))])))
        #expect(signals["draft"]?.bool == true)
        #expect(entry("dot-0002", in: register)?.document.fields["status"]?.string == "pilot")
        #expect(entry("hhs-0100", in: register)?.document.fields["status"]?.string == "development")
        #expect(entry("hhs-0100", in: register)?.document.fields["first_used"]?.string == "2024-06")
        #expect(entry("hhs-0101", in: register)?.document.fields["imported"]?["columns"]?["topic_area"]?.string == "Space weather")
        // The imported register still validates: drafts' missing fields are warnings.
        #expect(!register.validate().diagnostics.hasErrors)
    }

    @Test func nycLocalLaw35() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let s = importFixture("nyc-ll35.csv", format: "nyc-ll35", into: register).summary
        #expect(s.encoding == .cp1252)
        #expect(s.rowsRead == 4 && s.written == ["shotspotter", "school-choice-matching", "severe-harm-predictive-model"] && s.mergedRows == 1)
        #expect(s.unrecognised == ["row 5, column G `vendor`: \"maybe\"", "row 5, column H `date_use`: \"2018/13\""])
        let shot = try #require(entry("shotspotter", in: register))
        #expect(shot.document.fields["imported"]?["years"] == Value(.array([Value(.string("2022")), Value(.string("2023"))])))
        #expect(shot.document.fields["description_short"]?.string == "Acoustic sensors locate gunfire in the city’s precincts.")
        #expect(shot.document.fields["first_used"]?.string == "2015-03")
        #expect(shot.document.fields["developed_in_house"]?.bool == false)
        #expect(shot.document.body.contains("An analyst reviews each alert."))
        let school = try #require(entry("school-choice-matching", in: register)).document.fields
        #expect(school["first_used"] == nil && school["description_short"]?.string == "Matches students to high schools – by preference.")
        #expect(!register.validate().diagnostics.hasErrors)
    }

    /// The same NYC rows saved as an Excel workbook (shared strings, inline strings, a number
    /// cell) give the same entries and the same problems, at the sheet's rows and columns.
    @Test func excelWorkbookImportsLikeItsCSV() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let s = importFixture("nyc-ll35.xlsx", format: "nyc-ll35", into: register).summary
        #expect(s.rowsRead == 4 && s.written == ["shotspotter", "school-choice-matching", "severe-harm-predictive-model"] && s.mergedRows == 1)
        #expect(s.unrecognised == ["row 5, column G `vendor`: \"maybe\"", "row 5, column H `date_use`: \"2018/13\""])
        let shot = try #require(entry("shotspotter", in: register))
        #expect(shot.document.fields["description_short"]?.string == "Acoustic sensors locate gunfire in the city’s precincts.")
        #expect(shot.document.fields["first_used"]?.string == "2015-03")
        #expect(shot.document.fields["imported"]?["years"] == Value(.array([Value(.string("2022")), Value(.string("2023"))])))
        #expect(!register.validate().diagnostics.hasErrors)
    }

    @Test func aBrokenWorkbookIsOneDiagnostic() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let broken = register.folder.appendingPathComponent("broken.xlsx")
        try Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]).write(to: broken)
        let result = Importer.run(file: broken.path, preset: try #require(ImportPreset.named("nyc-ll35")), options: ImportOptions(registry: register.path))
        #expect(result.diagnostics.map(\.code) == [.importUnreadable])
    }

    @Test func dutchRegister() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let s = importFixture("nl-1.0.csv", format: "nl-1.0", into: register).summary
        #expect(s.rowsRead == 3 && s.written.count == 3)
        #expect(s.unrecognised == ["row 4, column E `status`: \"Experimenteel\""])
        let parking = try #require(entry("prk-01", in: register)).document.fields
        #expect(parking["status"]?.string == "operational" && parking["first_used"]?.string == "2019-06")
        #expect(parking["description_short"]?.string == "Scanauto's lezen kentekens in betaald parkeergebied.")
        #expect(parking["goal"]?.string == "Controle op betaald parkeren.\nEerlijk en efficiënt.")
        #expect(parking["lawful_basis_links"]?.array?.first?["link"]?.string == "https://wetten.overheid.nl/BWBR0005416")
        #expect(parking["publication_date"]?.string == "2023-05-01" && parking["risk_category"]?.string == "limited risk")
        #expect(entry("bijstand-risicomodel", in: register)?.document.fields["status"]?.string == "retired")
    }

    @Test func atsTemplateInUTF16() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let s = importFixture("ats-0.3.1.csv", format: "ats-0.3.1", into: register).summary
        #expect(s.encoding == .utf16 && s.rowsRead == 2 && s.written == ["3f1c-aa01", "waste-route-planner"] && s.unrecognised.isEmpty)
        let crowd = try #require(entry("3f1c-aa01", in: register))
        #expect(crowd.document.fields["domain"]?.string == "public safety")
        #expect(crowd.document.fields["risk_category"]?.string == "limited risk")
        #expect(crowd.document.fields["algorithm_type"]?.string == "self-learning")
        #expect(crowd.document.fields["keywords"]?.array?.count == 2)
        #expect(entry("waste-route-planner", in: register)?.document.fields["status"]?.string == "operational")
    }

    @Test func dryRunWritesNothingAndExistingEntriesNeedUpdate() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let before = try String(contentsOfFile: register.path + "/register.yaml", encoding: .utf8)
        let dry = importFixture("us-2025.csv", format: "us-2025", into: register, dryRun: true)
        #expect(dry.summary.written.count == 4 && entry("dot-0001", in: register) == nil)
        #expect(try String(contentsOfFile: register.path + "/register.yaml", encoding: .utf8) == before)
        _ = importFixture("us-2025.csv", format: "us-2025", into: register)
        let after = try String(contentsOfFile: register.path + "/register.yaml", encoding: .utf8)
        #expect(after.hasPrefix(before.components(separatedBy: "departments:")[0]))
        // Staff edit the entry, then the file is imported again.
        let path = register.path + "/systems/dot-0001.md"
        try (try String(contentsOfFile: path, encoding: .utf8) + "Written by staff.\n").write(toFile: path, atomically: true, encoding: .utf8)
        let again = importFixture("us-2025.csv", format: "us-2025", into: register)
        #expect(again.summary.written.isEmpty && again.summary.skipped.count == 5)
        let updated = importFixture("us-2025.csv", format: "us-2025", into: register, update: true)
        #expect(updated.summary.updated.count == 4)
        #expect(entry("dot-0001", in: register)?.document.body.contains("Written by staff.") == true)
        #expect(try String(contentsOfFile: register.path + "/register.yaml", encoding: .utf8) == after)
    }

    @Test func genericMapping() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let (preset, problems) = MappingFile.load(Self.fixtures.appendingPathComponent("generic-mapping.yaml").path, registry: register.path)
        #expect(problems.isEmpty)
        let result = Importer.run(file: Self.fixtures.appendingPathComponent("generic.csv").path, preset: try #require(preset), options: ImportOptions(registry: register.path))
        #expect(result.summary.written == ["v-1", "v-2"] && result.summary.unmappedColumns == ["Owner notes"])
        let permit = try #require(entry("v-1", in: register)).document.fields
        #expect(permit["status"]?.string == "operational" && permit["department"]?.string == "permits")
        #expect(permit["developed_in_house"]?.bool == true && permit["keywords"]?.array?.count == 2)
        #expect(entry("v-2", in: register)?.document.fields["status"]?.string == "pilot")
    }

    @Test func badMappingIsReportedAtItsLines() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let (preset, problems) = MappingFile.load(Self.fixtures.appendingPathComponent("bad-mapping.yaml").path, registry: register.path)
        #expect(preset == nil)
        #expect(problems.contains { $0.code == .unknownField && $0.location?.line == 6 })
        // The schema check stops first; fix it and the field names are checked.
        let (_, second) = MappingFile.parse("columns:\n  System: nmae\n  Live?:\n    field: status\n    values: {Live: operationnal}\n", file: "m.yaml",
                                           entrySchema: RegisterValidator.validate(register.path).register?.schema)
        #expect(second.map(\.code) == [.importBadMapping, .importBadMapping])
        #expect(second.first?.location == SourceLocation(line: 2, column: 11) && second.first?.fix == "Did you mean `name`?")
        #expect(second.last?.location?.line == 5)
    }

    // MARK: Export and round trip

    @Test(arguments: ImportPreset.names)
    func roundTrip(format: String) throws {
        let validation = RegisterValidator.validate(TestSupport.exampleRegistry.path)
        let original = PublicRegister(try #require(validation.register), history: .none)
        let output = try #require(Exporter.export(original, format: format))
        let target = try TemporaryRegister()
        defer { target.delete() }
        try target.remove("systems")
        let csv = target.folder.appendingPathComponent("export.csv")
        try Data(output.text.utf8).write(to: csv)
        let preset = ImportPreset.named(format)!
        let result = Importer.run(file: csv.path, preset: preset, options: ImportOptions(registry: target.path))
        #expect(result.summary.unrecognised.isEmpty)
        let back = RegisterLoader.load(target.path).entries
        #expect(back.count == original.systems.count)
        func normal(_ v: Value?) -> Value? {
            guard let v else { return nil }
            if let s = v.string { return Value(.string(s.trimmingCharacters(in: .whitespacesAndNewlines))) }
            return v
        }
        for system in original.systems {
            let copy = try #require(back.first { $0.document.fields["name"]?.string == system.string("name") }, "\(system.id)")
            for mapping in preset.mappings where !mapping.field.hasPrefix("imported.") {
                if output.notCarried.contains(where: { $0.id == system.id && $0.what.hasPrefix("`\(mapping.field)`") }) { continue }
                switch mapping.field {
                case "id": #expect(copy.id == system.id)
                case "body": #expect(copy.document.body.trimmingCharacters(in: .whitespacesAndNewlines) == system.body.trimmingCharacters(in: .whitespacesAndNewlines))
                default:
                    #expect(normal(copy.document.fields[mapping.field]) == normal(system.fields[mapping.field]), "\(system.id) \(mapping.field)")
                }
            }
        }
    }

    @Test func exportsListWhatTheFormatCannotCarryAndNoPrivateFields() throws {
        let register = PublicRegister(try #require(RegisterValidator.validate(TestSupport.exampleRegistry.path).register), history: .none)
        let nyc = try #require(Exporter.export(register, format: "nyc-ll35"))
        #expect(nyc.notCarried.contains { $0.what == "`status` has no column in nyc-ll35" })
        let json = try #require(Exporter.export(register, format: "ats-json"))
        let value = try Value.parseJSON(json.text)
        #expect(value["systems"]?.array?.count == register.systems.count)
        for format in Exporter.formats {
            let text = try #require(Exporter.export(register, format: format)).text
            #expect(!text.contains("owner_direct_phone") && !text.contains("internal_notes"))
        }
    }

    /// ATS JSON writes each system's columns as an object without making one, which is the
    /// same only while a preset's columns are distinct.
    @Test func presetColumnsAreDistinctAndStringObjectsAreTheObjectsJSON() {
        for name in ImportPreset.names {
            let columns = ImportPreset.named(name)!.columns
            #expect(Set(columns).count == columns.count, "\(name)")
        }
        let members = [(key: "name", value: "Tab\there \"quoted\" é"), (key: "url", value: "https://a.example/x")]
        let object = Value(.object(Object(members.map { Member(key: $0.key, value: Value(.string($0.value))) })))
        #expect(Value.prettyJSONObject(ofStrings: members) == Array(object.jsonText(pretty: true).utf8))
        #expect(Value.prettyJSONObject(ofStrings: []) == Array(Value(.object(Object())).jsonText(pretty: true).utf8))
    }

    /// The site streams its exports to disk a piece at a time; the pieces make the same file.
    @Test func streamedExportsEqualTheWholeExport() throws {
        let register = PublicRegister(try #require(RegisterValidator.validate(TestSupport.exampleRegistry.path).register), history: .none)
        for format in Exporter.formats {
            var pieces: [[UInt8]] = []
            var sink = ByteSink(drainSize: 512) { pieces.append(Array($0)) }
            _ = Exporter.export(register, format: format, listLosses: false, into: &sink)
            sink.flush()
            #expect(sink.bytes.isEmpty)
            #expect(pieces.count > 2, "\(format) came in \(pieces.count) pieces")
            #expect(pieces.dropLast().allSatisfy { $0.count >= 512 })
            let whole = try #require(Exporter.export(register, format: format, listLosses: false)).text
            #expect(String(decoding: pieces.joined(), as: UTF8.self) == whole, "\(format)")
        }
    }

    /// The site makes its exports largest first, from their own list: it must name each format once.
    @Test func theSiteMakesEveryExportOnce() throws {
        #expect(Exporter.formatsLargestFirst.sorted() == Exporter.formats.sorted())
        let register = PublicRegister(try #require(RegisterValidator.validate(TestSupport.exampleRegistry.path).register), history: .none)
        let exportFiles = SiteBuilder.dataFiles(register, layout: SiteLayout(languages: ["en"], baseURL: ""), parts: [], title: "",
                                                sitemap: []) { _ in [] }.map(\.path).filter { $0.hasPrefix("data/export/") }
        #expect(exportFiles.count == Exporter.formats.count && Set(exportFiles).count == exportFiles.count)
    }

    /// The command line prints a line per kind of loss, not per system and field.
    @Test func lossesAreSummarisedPerKindWithAFewExamples() {
        let losses = ["a", "b", "c", "d", "e"].map { Exporter.NotCarried(id: $0, what: "`status` has no column in nyc-ll35") }
            + [Exporter.NotCarried(id: "c", what: "`risk` value `x` has no risk_level value")]
        #expect(Exporter.summary(losses) == [
            "`status` has no column in nyc-ll35: 5 systems (a, b, c and 2 more)",
            "`risk` value `x` has no risk_level value: 1 system (c)",
        ])
        #expect(Exporter.summary([]) == [])
    }

    /// `algoreg export` as a person runs it: the CSV on standard output, and on standard error
    /// one line per kind of loss with its count, not one per system.
    @Test func exportCommandPrintsTheTableAndSummarisesLosses() throws {
        try TestSupport.withTemporaryFolder { folder in
            try TestSupport.copyExampleRegistry(into: folder)
            let run = try TestSupport.algoreg(["export", "--registry", "Registry", "--format", "nyc-ll35"], in: folder)
            #expect(run.status == 0, "\(run)")
            let rows = try TestSupport.parseCSV(run.stdout)
            #expect(rows.count == (try TestSupport.systemIDs(in: folder.appendingPathComponent("Registry"))).count + 1, "\(run)")
            let lossLines = run.stderr.split(separator: "\n").dropFirst()
            #expect(run.stderr.hasPrefix("nyc-ll35 cannot carry "), "\(run)")
            #expect(lossLines.contains { $0.hasPrefix("  `status` has no column in nyc-ll35: ") && $0.contains(" systems (") }, "\(run)")
            #expect(Set(lossLines).count == lossLines.count, "a kind of loss is listed twice:\n\(run)")

            let toFile = try TestSupport.algoreg(["export", "--registry", "Registry", "--format", "ats-json", "--output", "ats.json"], in: folder)
            #expect(toFile.status == 0 && toFile.stdout.isEmpty, "\(toFile)")
            let written = try Value.parseJSON(String(decoding: try Data(contentsOf: folder.appendingPathComponent("ats.json")), as: UTF8.self))
            #expect(written["systems"]?.array?.count == rows.count - 1)

            let nowhere = try TestSupport.algoreg(["export", "--registry", "Registry", "--format", "us-2025", "--output", "missing/us.csv"], in: folder)
            #expect(nowhere.status != 0 && nowhere.stderr.contains("Cannot write `missing/us.csv`: No such file or directory"), "\(nowhere)")

            // A register with errors exports nothing, and creates no file.
            try "---\nname: x\n---\n".write(to: folder.appendingPathComponent("Registry/systems/broken.md"), atomically: true, encoding: .utf8)
            let broken = try TestSupport.algoreg(["export", "--registry", "Registry", "--format", "us-2025", "--output", "us.csv"], in: folder)
            #expect(broken.status != 0 && broken.stderr.contains("nothing was exported"), "\(broken)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("us.csv").path))
        }
    }

    /// New departments go into register.yaml in the form it already uses, and never break it:
    /// a form the import cannot extend is left alone with a warning saying what to add.
    @Test func departmentsAreAddedToEveryFormOfRegisterYAML() throws {
        let new = [(id: "water", name: "Water board, north: \"A\" & B")]
        let block = "title: x\ndepartments:\n  parks:\n    name: Parks\n# end\nlanguages: [en]\n"
        let blockEdited = try #require(Importer.appendDepartments(new, to: block))
        #expect(blockEdited.contains("  parks:\n    name: Parks\n  water:\n"))
        #expect(blockEdited.hasSuffix("# end\nlanguages: [en]\n"))

        let flow = "title: x\ndepartments: {parks: {name: Parks}}\nlanguages: [en]\n"
        let flowEdited = try #require(Importer.appendDepartments(new, to: flow))
        let read = try #require(YAMLLoader.load(flowEdited).value?["departments"]?.object)
        #expect(read.keys == ["parks", "water"] && read["water"]?["name"]?.string == new[0].name)
        #expect(Importer.appendDepartments(new, to: "departments: {}\n").flatMap { YAMLLoader.load($0).value?["departments"]?.object?.keys } == ["water"])

        let spread = "departments: {\n  parks: {name: Parks}}\n"
        #expect(Importer.appendDepartments(new, to: spread) == nil)
        #expect(Importer.appendDepartments(new, to: "departments: [parks]\n") == nil)
    }

    @Test func anImportLeavesADepartmentsFormItCannotExtendAloneAndSaysWhatToAdd() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let settingsPath = register.path + "/register.yaml"
        // The same departments as JSON (a flow mapping over many lines, which YAML reads as is).
        let settings = try String(contentsOfFile: settingsPath, encoding: .utf8)
        var lines = settings.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "departments:"))
        let end = lines[(start + 1)...].firstIndex { !$0.isEmpty && !$0.hasPrefix(" ") && !$0.hasPrefix("#") } ?? lines.count
        let departments = try #require(YAMLLoader.load(settings).value?["departments"])
        lines.replaceSubrange(start..<end, with: ["departments: " + departments.jsonText(pretty: true)])
        let rewritten = lines.joined(separator: "\n")
        try rewritten.write(toFile: settingsPath, atomically: true, encoding: .utf8)

        // A dry run says the same as the real run.
        let dry = importFixture("us-2025.csv", format: "us-2025", into: register, dryRun: true)
        #expect(dry.summary.departmentsAdded.isEmpty && dry.diagnostics.contains { $0.code == .importDepartmentsNotAdded })
        let result = importFixture("us-2025.csv", format: "us-2025", into: register)
        #expect(result.summary.written.count == 4 && result.summary.departmentsAdded.isEmpty)
        #expect(try String(contentsOfFile: settingsPath, encoding: .utf8) == rewritten)
        let warning = try #require(result.diagnostics.first { $0.code == .importDepartmentsNotAdded })
        #expect(warning.severity == .warning && warning.fix?.contains("federal-highway-administration:") == true, "\(warning)")
    }
}

