import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import AlgoregKit

/// The example register built once (with the e2e templates and a fixed SOURCE_DATE_EPOCH) into
/// a temporary folder that the whole suite reads; removed when the suite ends.
struct ExampleSite: Sendable {
    var folder: URL
    var registry: URL
    var output: URL
    var build: TestSupport.Run

    @TaskLocal static var current: ExampleSite?

    static func require() throws -> ExampleSite {
        let site = try #require(current, "The suite needs the .builtExampleSite trait.")
        try #require(site.build.status == 0, "The example register did not build:\n\(site.build)")
        return site
    }

    /// Languages of the register; the first is the default (at the site root).
    static let languages = ["en", "nl"]
    static let baseURL = "https://algorithms.veldhaven.example"

    func prefix(_ language: String) -> String { language == Self.languages[0] ? "" : "\(language)/" }
}

struct BuiltExampleSite: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("algoreg-e2e-site-\(UUID().uuidString)", isDirectory: true).resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let registry = try TestSupport.copyExampleRegistry(into: folder)
        let output = folder.appendingPathComponent("Site")
        let build = try TestSupport.algoreg(
            ["build", "--registry", "Registry", "--templates", TestSupport.e2eTemplates.path, "--output", "Site"],
            in: folder, environment: ["SOURCE_DATE_EPOCH": TestSupport.sourceDateEpoch])
        try await ExampleSite.$current.withValue(ExampleSite(folder: folder, registry: registry, output: output, build: build)) {
            try await function()
        }
    }
}

extension Trait where Self == BuiltExampleSite {
    static var builtExampleSite: Self { BuiltExampleSite() }
}

@Suite(.builtExampleSite)
struct SiteOutputTests {
    // MARK: Files

    @Test func buildSucceedsAndReportsWhatItWrote() throws {
        let site = try ExampleSite.require()
        #expect(site.build.stderr.contains("Built "), "\(site.build)")
        #expect(site.build.stderr.contains("into Site/"), "\(site.build)")
        #expect(!site.build.stderr.contains("error["), "\(site.build)")
    }

    @Test func everyExpectedFileExistsAndNothingElse() throws {
        let site = try ExampleSite.require()
        let ids = try TestSupport.systemIDs(in: site.registry)
        let departments = try Self.departmentIDs(site.registry)
        #expect(ids.count == 14)
        #expect(departments.count == 10)

        var expected: Set<String> = [
            ".algoreg-site", "404.html", "feed.xml", "sitemap.xml", "assets/style.css",
            "data/register.json", "data/register.csv", "data/schema.json",
            "data/export/us-2025.csv", "data/export/nyc-ll35.csv", "data/export/nl-1.0.csv",
            "data/export/ats-0.3.1.csv", "data/export/ats-json.json",
        ]
        for year in ["2025", "2026"] {
            expected.formUnion(["data/reports/\(year).json", "data/reports/\(year).csv", "data/reports/\(year)-directory.csv"])
        }
        for id in ids { expected.insert("data/systems/\(id).json") }
        for language in ExampleSite.languages {
            let prefix = site.prefix(language)
            expected.insert("\(prefix)index.html")
            expected.insert("\(prefix)about/index.html")
            expected.insert("\(prefix)departments/index.html")
            expected.formUnion(["\(prefix)reports/index.html", "\(prefix)reports/2025/index.html", "\(prefix)reports/2026/index.html"])
            for department in departments { expected.insert("\(prefix)departments/\(department)/index.html") }
            for id in ids { expected.insert("\(prefix)systems/\(id)/index.html") }
            for status in try Self.frontMatterValues("status", site.registry) {
                expected.insert("\(prefix)filter/status/\(RegisterLoader.slug(status))/index.html")
            }
            for risk in try Self.frontMatterValues("risk_category", site.registry) {
                expected.insert("\(prefix)filter/risk/\(RegisterLoader.slug(risk))/index.html")
            }
        }
        let files = Set(TestSupport.files(under: site.output))
        let missing = expected.subtracting(files).sorted()
        #expect(missing.isEmpty, "Missing: \(missing)")
        // Filter pages for free-text facets (domain, algorithm type) depend on the data; every
        // other file must be one we expect.
        let unexpected = files.subtracting(expected).filter { !$0.hasPrefix("filter/") && !$0.hasPrefix("nl/filter/") }.sorted()
        #expect(unexpected.isEmpty, "Unexpected: \(unexpected)")
        // Every filter page is an index.html at filter/<facet>/<slug>/.
        let filters = files.filter { $0.hasPrefix("filter/") || $0.hasPrefix("nl/filter/") }
        for file in filters {
            #expect(file.wholeMatch(of: /(nl\/)?filter\/(status|risk|domain|algorithm_type)\/[a-z0-9-]+\/index\.html/) != nil, "\(file)")
        }
        // Both languages have the same filter pages.
        #expect(Set(filters.filter { $0.hasPrefix("filter/") }.map { "nl/" + $0 }) == Set(filters.filter { $0.hasPrefix("nl/") }))
    }

    @Test func assetsAreCopiedAsTheyAre() throws {
        let site = try ExampleSite.require()
        let original = try Data(contentsOf: TestSupport.e2eTemplates.appendingPathComponent("assets/style.css"))
        #expect(try Data(contentsOf: site.output.appendingPathComponent("assets/style.css")) == original)
    }

    // MARK: Privacy

    @Test func noPrivateValueOrKeyLeaksIntoAnyFile() throws {
        let site = try ExampleSite.require()
        let keys = try TestSupport.privateKeys(in: site.registry)
        #expect(Set(keys) == ["owner_direct_phone", "internal_notes", "imported"])
        let values = try TestSupport.privateValues(in: site.registry, keys: keys)
        // The example register's known private values must have been found, or the test proves nothing.
        #expect(values.contains("+31 40 555 0142"))
        #expect(values.contains("+31 40 555 0177"))
        #expect(values.contains { $0.hasPrefix("Ethics Committee approval for the pilot") })
        #expect(values.contains { $0.hasPrefix("Contract with the vendor runs until 2027-12-31") })

        var needles = Set(keys)
        for value in values {
            needles.insert(value)
            needles.insert(HTML.escape(value))
            needles.insert(value.replacingOccurrences(of: " ", with: ""))
        }
        needles.insert("555 0142")
        needles.insert("555 0177")
        var leaks: [String] = []
        for file in TestSupport.files(under: site.output) {
            let text = String(decoding: try Data(contentsOf: site.output.appendingPathComponent(file)), as: UTF8.self)
            for needle in needles where text.contains(needle) { leaks.append("\(file): \(needle)") }
        }
        #expect(leaks.isEmpty, "Private values in the output:\n\(leaks.joined(separator: "\n"))")
        // The pages that hold these entries were written at all.
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("systems/parking-scan-cars/index.html").path))
    }

    // MARK: Links

    @Test func everyLocalLinkOnEveryPageResolves() throws {
        let site = try ExampleSite.require()
        var checked = 0
        var broken: [String] = []
        for page in TestSupport.files(under: site.output) where page.hasSuffix(".html") && page != "404.html" {
            let html = try TestSupport.read(site.output.appendingPathComponent(page))
            for link in TestSupport.links(inHTML: html) {
                guard let target = Self.localTarget(link, from: page) else { continue }
                checked += 1
                if !Self.exists(target, in: site.output) { broken.append("\(page) -> \(link)") }
            }
        }
        #expect(broken.isEmpty, "Broken links (\(broken.count)):\n\(broken.prefix(40).joined(separator: "\n"))")
        // About 100 pages with a header, footer and cards each: thousands of links.
        #expect(checked > 2000, "Only \(checked) links checked; the templates or the walker lost them.")
    }

    @Test func everyKindOfLinkIsPresentOnTheSystemPage() throws {
        let site = try ExampleSite.require()
        let html = try TestSupport.read(site.output.appendingPathComponent("systems/parking-scan-cars/index.html"))
        let links = Set(TestSupport.links(inHTML: html))
        for link in ["../../assets/style.css", "../../", "../../nl/systems/parking-scan-cars/", "../../systems/parking-scan-cars/",
                     "../../departments/", "../../about/", "../../departments/mobility/", "../../data/register.json",
                     "../../data/register.csv", "../../data/schema.json", "../../feed.xml", "../../data/systems/parking-scan-cars.json"] {
            #expect(links.contains(link), "\(link) is not linked from the system page")
        }
        let nl = Set(TestSupport.links(inHTML: try TestSupport.read(site.output.appendingPathComponent("nl/systems/parking-scan-cars/index.html"))))
        #expect(nl.contains("../../../systems/parking-scan-cars/"))
        #expect(nl.contains("../../../nl/"))
        #expect(nl.contains("../../../assets/style.css"))
    }

    @Test func notFoundPageLinksFromTheBaseURLPath() throws {
        let site = try ExampleSite.require()
        let html = try TestSupport.read(site.output.appendingPathComponent("404.html"))
        let links = TestSupport.links(inHTML: html)
        #expect(links.contains("/assets/style.css"))
        var broken: [String] = []
        for link in links {
            guard let target = Self.localTarget(link, from: "404.html") else { continue }
            #expect(link.hasPrefix("/") || link.hasPrefix(ExampleSite.baseURL), "The 404 page must not use page-relative links: \(link)")
            if !Self.exists(target, in: site.output) { broken.append(link) }
        }
        let toNotFoundPages = broken.filter { $0.contains("404/") }
        #expect(broken.filter { !$0.contains("404/") }.isEmpty, "Broken links on 404.html: \(broken)")
                    #expect(toNotFoundPages.isEmpty, "404.html links to pages that do not exist: \(toNotFoundPages)")
    }

    @Test func sitemapListsExactlyThePages() throws {
        let site = try ExampleSite.require()
        let xml = try TestSupport.read(site.output.appendingPathComponent("sitemap.xml"))
        try Self.expectWellFormedXML(xml, "sitemap.xml")
        let locations = xml.matches(of: /<loc>([^<]*)<\/loc>/).map { TestSupport.decodeEntities(String($0.output.1)) }
        let pages = Set(locations.compactMap { Self.localTarget($0, from: "index.html") })
        #expect(pages.count == locations.count, "Duplicate or foreign URLs in the sitemap")
        let htmlPages = Set(TestSupport.files(under: site.output).filter { $0.hasSuffix("index.html") })
        #expect(pages == htmlPages, "Only in sitemap: \(pages.subtracting(htmlPages).sorted()); not in sitemap: \(htmlPages.subtracting(pages).sorted())")
    }

    @Test func feedIsWellFormedAtomWithOneEntryPerSystem() throws {
        let site = try ExampleSite.require()
        let xml = try TestSupport.read(site.output.appendingPathComponent("feed.xml"))
        try Self.expectWellFormedXML(xml, "feed.xml")
        #expect(xml.matches(of: /<entry>/).count == (try TestSupport.systemIDs(in: site.registry)).count)
        // SOURCE_DATE_EPOCH fixes the feed's date.
        #expect(xml.contains("<updated>2026-01-02T00:00:00Z</updated>"))
    }

    // MARK: Open data

    @Test func registerCSVIsRFC4180WithOneRowPerSystem() throws {
        let site = try ExampleSite.require()
        let data = try Data(contentsOf: site.output.appendingPathComponent("data/register.csv"))
        let text = try #require(String(data: data, encoding: .utf8), "register.csv is not UTF-8")
        #expect(text.hasSuffix("\r\n"), "RFC 4180 records end with CRLF")
        let rows = try TestSupport.parseCSV(text)
        let ids = try TestSupport.systemIDs(in: site.registry)
        try #require(rows.count == ids.count + 1, "Expected a header and \(ids.count) rows, got \(rows.count) records")
        let header = rows[0]
        #expect(header.first == "id")
        #expect(header.contains("name") && header.contains("status") && header.contains("department"))
        #expect(Set(header).count == header.count, "Duplicate column names")
        for (index, row) in rows.enumerated() {
            #expect(row.count == header.count, "Row \(index) has \(row.count) fields, the header \(header.count)")
        }
        #expect(rows.dropFirst().map { $0[0] }.sorted() == ids)
        // Multi-line descriptions survive the quoting.
        let description = try #require(header.firstIndex(of: "description"))
        #expect(rows.dropFirst().contains { $0[description].contains("\n") })
    }

    @Test func registerJSONCountsEverySystem() throws {
        let site = try ExampleSite.require()
        let data = try Data(contentsOf: site.output.appendingPathComponent("data/register.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ids = try TestSupport.systemIDs(in: site.registry)
        let systems = try #require(json["systems"] as? [[String: Any]])
        #expect(json["count"] as? Int == ids.count)
        #expect(systems.count == ids.count)
        #expect(systems.compactMap { $0["id"] as? String }.sorted() == ids)
        #expect(json["languages"] as? [String] == ExampleSite.languages)
        #expect(json["updated"] as? String == "2026-01-02")
        for id in ids {
            let file = site.output.appendingPathComponent("data/systems/\(id).json")
            let system = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            #expect(system["id"] as? String == id)
            #expect(system["url"] as? String == "\(ExampleSite.baseURL)/systems/\(id)/")
            #expect((system["fields"] as? [String: Any])?["name"] is String)
        }
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("data/schema.json"))) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(properties["name"] != nil)
        #expect(properties["owner_direct_phone"] == nil && properties["internal_notes"] == nil)
    }

    // MARK: Helpers

    /// A link's target as a path under the site, or nil when it leaves the site. Absolute URLs
    /// under the base URL are checked too (canonical and alternate links).
    static func localTarget(_ link: String, from page: String) -> String? {
        if link.hasPrefix(ExampleSite.baseURL + "/") {
            return TestSupport.target(of: String(link.dropFirst(ExampleSite.baseURL.count)), from: page)
        }
        return TestSupport.target(of: link, from: page)
    }

    static func exists(_ target: String, in output: URL) -> Bool {
        var isFolder: ObjCBool = false
        let url = output.appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return false }
        return !isFolder.boolValue || FileManager.default.fileExists(atPath: url.appendingPathComponent("index.html").path)
    }

    /// Department ids: the keys indented by two spaces under `departments:` in register.yaml.
    static func departmentIDs(_ registry: URL) throws -> [String] {
        var ids: [String] = []
        var inside = false
        for line in try TestSupport.read(registry.appendingPathComponent("register.yaml")).split(separator: "\n") {
            if !line.hasPrefix(" ") { inside = line.hasPrefix("departments:"); continue }
            if inside, let match = line.wholeMatch(of: #/  ([a-z0-9-]+):\s*/#) { ids.append(String(match.output.1)) }
        }
        return ids
    }

    /// Distinct values of a one-line top-level field in the entries' front matter.
    static func frontMatterValues(_ key: String, _ registry: URL) throws -> Set<String> {
        var values: Set<String> = []
        for id in try TestSupport.systemIDs(in: registry) {
            let text = try TestSupport.read(registry.appendingPathComponent("systems/\(id).md"))
            for line in text.split(separator: "\n") where line.hasPrefix("\(key): ") {
                values.insert(line.dropFirst(key.count + 2).trimmingCharacters(in: .whitespaces))
            }
        }
        return values
    }

    static func expectWellFormedXML(_ xml: String, _ name: String) throws {
        let parser = XMLParser(data: Data(xml.utf8))
        let parsed = parser.parse()
        #expect(parsed, "\(name) is not well-formed XML: \(String(describing: parser.parserError))")
    }
}
