import Foundation
import Testing
@testable import AlgoregKit

/// The build as a library call, with the real templates, on the small fixture register.
@Suite struct SiteBuilderTests {
    func build(_ register: TemporaryRegister, includeDrafts: Bool = false) -> (SiteBuilder.Result, URL) {
        let output = register.folder.appendingPathComponent("Site")
        let result = SiteBuilder.build(SiteBuilder.Options(
            registry: register.path, templates: TestSupport.templates.path, output: output.path,
            includeDrafts: includeDrafts, sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2025-01-01")))
        return (result, output)
    }

    func read(_ folder: URL, _ relative: String) -> String? {
        try? String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The checks' problems rendered while the pages are made read as rendering them after the
    /// build does; a build that finds more problems leaves them to be rendered after it.
    @Test(arguments: [DiagnosticFormat.text, .json])
    func problemsRenderedDuringTheBuildReadAsRenderedAfterIt(_ format: DiagnosticFormat) throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try TestSupport.copyExampleRegistry(into: folder)
            let systems = registry.appendingPathComponent("systems")
            let translation = try #require(try FileManager.default.contentsOfDirectory(atPath: systems.path).first { $0.hasSuffix(".nl.md") })
            try FileManager.default.removeItem(at: systems.appendingPathComponent(translation))
            var options = SiteBuilder.Options(registry: registry.path, templates: TestSupport.templates.path, output: folder.appendingPathComponent("Site").path,
                                              sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2025-01-01"))
            options.rendersDiagnostics = format
            let built = SiteBuilder.build(options)
            #expect(built.succeeded)
            #expect(built.diagnostics.contains { $0.code == .missingTranslation })
            #expect(built.renderedDiagnostics == DiagnosticPrinter.render(built.diagnostics, format: format, checkedFiles: built.checkedFiles))

            options.templates = folder.appendingPathComponent("no-templates").path
            let failed = SiteBuilder.build(options)
            #expect(!failed.succeeded)
            #expect(failed.renderedDiagnostics == nil)
        }
    }

    /// A card is rendered once with a token where each page puts its own root path.
    @Test func cardHTMLIsCutAtEveryRootToken() {
        let token = PageContexts.rootTokenBytes
        func parts(_ text: String) -> [String] { PageContexts.parts(of: Array(text.utf8), between: token) }
        let t = PageContexts.rootToken
        #expect(parts("<a href=\"\(t)systems/x/\">é</a>") == ["<a href=\"", "systems/x/\">é</a>"])
        #expect(parts("\(t)\(t)a\(t)") == ["", "", "a", ""])
        #expect(parts("no token, @@algoreg-root@ almost") == ["no token, @@algoreg-root@ almost"])
        #expect(parts("") == [""])
    }

    @Test func draftsAreLeftOutUnlessAskedForAndThenMarked() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let valid = try #require(read(register.folder, "systems/valid-entry.md"))
        try register.write("systems/imported-tool.md", valid
            .replacingOccurrences(of: "name: Parking permit check", with: "name: Imported tool\ndraft: true")
            .replacingOccurrences(of: "owner: Head of Parking\n", with: ""))

        let (without, site) = build(register)
        #expect(without.succeeded, "\(without.diagnostics)")
        #expect(read(site, "systems/imported-tool/index.html") == nil)
        #expect(read(site, "data/register.json")?.contains("imported-tool") == false)

        let (with, _) = build(register, includeDrafts: true)
        #expect(with.succeeded)
        let page = try #require(read(site, "systems/imported-tool/index.html"))
        #expect(page.contains("notice--draft"))
    }

    @Test func emptyOptionalFieldsSayNotFilledIn() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let (result, site) = build(register)
        #expect(result.succeeded)
        let page = try #require(read(site, "systems/valid-entry/index.html"))
        // The fixture has no bias assessment: its section still shows, saying so plainly.
        #expect(page.contains("Not filled in"))
        #expect(page.contains("<h2"))
        #expect(page.contains("Checks whether a parked car has a valid permit"))
    }

    @Test func contentIsEscapedAndMarkdownIsSafe() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let valid = try #require(read(register.folder, "systems/valid-entry.md"))
        try register.write("systems/valid-entry.md", valid
            .replacingOccurrences(of: "owner: Head of Parking", with: "owner: \"<script>alert('x')</script> Head\"")
            .replacingOccurrences(of: "The permit check compares", with: "<iframe src=\"https://evil.example\"></iframe> The permit check compares"))
        let (result, site) = build(register)
        #expect(result.succeeded, "\(result.diagnostics)")
        let page = try #require(read(site, "systems/valid-entry/index.html"))
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("&lt;script&gt;"))
        #expect(!page.contains("<iframe"))
    }
}

/// `serve` rebuilds with a render cache: only systems whose inputs changed are rendered again,
/// and the output is byte for byte what a build without the cache writes.
@Suite struct RenderCacheTests {
    func build(_ register: TemporaryRegister, into name: String, cache: RenderCache?) throws -> [String: Data] {
        let output = register.folder.deletingLastPathComponent().appendingPathComponent("\(register.folder.lastPathComponent)-\(name)")
        let result = SiteBuilder.build(SiteBuilder.Options(
            registry: register.path, templates: TestSupport.templates.path, output: output.path,
            sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2025-01-01"), cache: cache))
        #expect(result.succeeded, "\(result.diagnostics)")
        defer { try? FileManager.default.removeItem(at: output) }
        return try TestSupport.snapshot(output)
    }

    @Test func rendersOnlyWhatChangedAndWritesTheSameSite() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let valid = try String(contentsOf: register.folder.appendingPathComponent("systems/valid-entry.md"), encoding: .utf8)
        try register.write("systems/second-entry.md", valid.replacingOccurrences(of: "name: Parking permit check", with: "name: Second system"))
        let cache = RenderCache()

        let first = try build(register, into: "a", cache: cache)
        #expect((cache.hits, cache.misses) == (0, 2))
        let again = try build(register, into: "b", cache: cache)
        #expect((cache.hits, cache.misses) == (2, 0))
        #expect(again == first)

        try register.write("systems/second-entry.md", valid.replacingOccurrences(of: "name: Parking permit check", with: "name: Second system, renamed"))
        let edited = try build(register, into: "c", cache: cache)
        #expect((cache.hits, cache.misses) == (1, 1))
        #expect(edited == (try build(register, into: "d", cache: nil)))
        #expect(edited != first)
    }
}

/// `algoreg build` into its previous output leaves the system pages and JSON whose inputs did not
/// change where they are, moves the rest in, and ends with the same site as a build from nothing.
/// With the parse cache, a system whose files did not change is not even made again (its
/// marker line holds the key of its files too); the site is the same either way.
@Suite struct PageReuseTests {
    func build(_ register: TemporaryRegister, into output: URL, parseCache: Bool = false) {
        build(register.folder, into: output, parseCache: parseCache)
    }

    func build(_ registry: URL, into output: URL, parseCache: Bool = false) {
        let result = SiteBuilder.build(SiteBuilder.Options(
            registry: registry.path, templates: TestSupport.templates.path, output: output.path,
            sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2025-01-01", reusesParsedFiles: parseCache)))
        #expect(result.succeeded, "\(result.diagnostics)")
    }

    func expectSameAsABuildFromNothing(_ register: TemporaryRegister, _ output: URL) throws {
        try expectSameAsABuildFromNothing(register.folder, output)
    }

    /// A build from nothing, without the parse cache.
    func expectSameAsABuildFromNothing(_ registry: URL, _ output: URL) throws {
        let fresh = registry.deletingLastPathComponent().appendingPathComponent("Fresh-\(UUID().uuidString)")
        build(registry, into: fresh)
        let differences = try TestSupport.siteDifferences(output, fresh)
        #expect(differences.isEmpty, "\(differences)")
    }

    /// The example register in a temporary folder, built once into `Site` beside it.
    func withExampleBuiltWithTheParseCache(_ body: (_ registry: URL, _ output: URL) throws -> Void) throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try TestSupport.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Site")
            build(registry, into: output, parseCache: true)
            try body(registry, output)
        }
    }

    func inode(_ file: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int)
    }

    @Test(arguments: [false, true])
    func keepsUnchangedSystemPagesAndWritesTheSameSite(parseCache: Bool) throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let valid = try String(contentsOf: register.folder.appendingPathComponent("systems/valid-entry.md"), encoding: .utf8)
        try register.write("systems/second-entry.md", valid.replacingOccurrences(of: "name: Parking permit check", with: "name: Second system"))
        let output = register.folder.appendingPathComponent("Site")
        build(register, into: output, parseCache: parseCache)
        let unchanged = output.appendingPathComponent("systems/valid-entry/index.html")
        let edited = output.appendingPathComponent("systems/second-entry/index.html")
        let unchangedJSON = output.appendingPathComponent("data/systems/valid-entry.json")
        let before = (unchanged: try inode(unchanged), edited: try inode(edited), json: try inode(unchangedJSON))
        let marker = try String(contentsOf: output.appendingPathComponent(".algoreg-site"), encoding: .utf8)
        let line = try #require(marker.split(separator: "\n").first { $0.hasPrefix("page valid-entry ") })
        #expect(line.split(separator: " ").count == (parseCache ? 4 : 3), "the key of the files only with the parse cache: \(line)")

        try register.write("systems/second-entry.md", valid.replacingOccurrences(of: "name: Parking permit check", with: "name: Second system, renamed"))
        build(register, into: output, parseCache: parseCache)
        #expect(try inode(unchanged) == before.unchanged, "the unchanged page is the previous build's file")
        #expect(try inode(unchangedJSON) == before.json, "so is its JSON")
        #expect(try inode(edited) != before.edited, "the edited page is written again")
        #expect(try String(contentsOf: edited, encoding: .utf8).contains("Second system, renamed"))

        try expectSameAsABuildFromNothing(register, output)
    }

    @Test func aTranslationEditedAloneMakesItsSystemAgain() throws {
        try withExampleBuiltWithTheParseCache { registry, output in
            let dutch = output.appendingPathComponent("nl/systems/pothole-detection/index.html")
            let english = output.appendingPathComponent("systems/pothole-detection/index.html")
            let other = output.appendingPathComponent("nl/systems/crowd-monitoring/index.html")
            let before = (dutch: try inode(dutch), english: try inode(english), other: try inode(other))
            let translation = registry.appendingPathComponent("systems/pothole-detection.nl.md")
            try TestSupport.write(try TestSupport.read(translation) + "\nEen nieuwe alinea.\n", to: translation)
            build(registry, into: output, parseCache: true)
            #expect(try String(contentsOf: dutch, encoding: .utf8).contains("Een nieuwe alinea."))
            #expect(try inode(dutch) != before.dutch)
            #expect(try inode(english) != before.english, "its JSON changed, so both its pages are written again")
            #expect(try inode(other) == before.other)
            try expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func listPagesAreKeptUntilWhatTheyShowChanges() throws {
        try withExampleBuiltWithTheParseCache { registry, output in
            let home = output.appendingPathComponent("index.html"), dutchHome = output.appendingPathComponent("nl/index.html")
            let departmentID = try #require(try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("departments").path)
                .first { !$0.hasSuffix(".html") })
            let department = output.appendingPathComponent("departments/\(departmentID)/index.html")
            let before = (home: try inode(home), dutch: try inode(dutchHome), department: try inode(department))

            // A new paragraph in a body: no card shows it.
            let entry = registry.appendingPathComponent("systems/pothole-detection.md")
            try TestSupport.write(try TestSupport.read(entry) + "\nA new paragraph.\n", to: entry)
            build(registry, into: output, parseCache: true)
            #expect((try inode(home), try inode(dutchHome), try inode(department)) == (before.home, before.dutch, before.department))
            try expectSameAsABuildFromNothing(registry, output)

            // A new name: every list with its card is made again.
            let text = try TestSupport.read(entry)
            let name = try #require(text.split(separator: "\n").first { $0.hasPrefix("name:") })
            try TestSupport.write(text.replacingOccurrences(of: String(name), with: "name: Road damage spotting"), to: entry)
            build(registry, into: output, parseCache: true)
            #expect(try inode(home) != before.home)
            #expect(try TestSupport.read(home).contains("Road damage spotting"))
            #expect(try inode(dutchHome) != before.dutch, "the Dutch card shows the name too")
            try expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func aFileSomeonePutIntoAKeptPagesFolderGoesWithTheNextBuild() throws {
        try withExampleBuiltWithTheParseCache { registry, output in
            let page = output.appendingPathComponent("systems/crowd-monitoring/index.html")
            let before = try inode(page)
            let entry = registry.appendingPathComponent("systems/pothole-detection.md")
            for round in 1...3 {
                // Another build in between, and a file put in at once after it or a build later.
                let foreign = output.appendingPathComponent("systems/crowd-monitoring/notes-\(round).txt")
                try TestSupport.write("notes\n", to: foreign)
                try TestSupport.write(try TestSupport.read(entry) + "\nRound \(round).\n", to: entry)
                build(registry, into: output, parseCache: true)
                #expect(!FileManager.default.fileExists(atPath: foreign.path), "round \(round)")
                #expect(try inode(page) == before, "the page itself is kept")
            }
            try expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func aMarkerWithoutPageKeysMakesTheNextBuildWriteEveryPage() throws {
        // What a commit cut short between moving the files and recording the keys leaves.
        let register = try TemporaryRegister()
        defer { register.delete() }
        let output = register.folder.appendingPathComponent("Site")
        build(register, into: output)
        let page = output.appendingPathComponent("systems/valid-entry/index.html")
        let before = try inode(page)
        try SiteOutput.markerText.write(to: output.appendingPathComponent(SiteOutput.marker), atomically: true, encoding: .utf8)
        build(register, into: output)
        #expect(try inode(page) != before)
        try expectSameAsABuildFromNothing(register, output)
    }

    @Test func aFileWhereAFolderNowGoesIsReplaced() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let output = register.folder.appendingPathComponent("Site")
        build(register, into: output)
        try FileManager.default.removeItem(at: output.appendingPathComponent("departments"))
        try Data("not a folder\n".utf8).write(to: output.appendingPathComponent("departments"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("404.html"))
        try FileManager.default.createDirectory(at: output.appendingPathComponent("404.html/inside"), withIntermediateDirectories: true)
        build(register, into: output)
        try expectSameAsABuildFromNothing(register, output)
    }

    @Test func aPageMissingFromThePreviousBuildIsWrittenAgain() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let output = register.folder.appendingPathComponent("Site")
        build(register, into: output)
        let page = output.appendingPathComponent("systems/valid-entry/index.html")
        let expected = try Data(contentsOf: page)
        try FileManager.default.removeItem(at: page)
        build(register, into: output)
        #expect(try Data(contentsOf: page) == expected)
    }
}
