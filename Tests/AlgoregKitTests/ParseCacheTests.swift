import Foundation
import Testing
@testable import AlgoregKit

/// `.algoreg-cache/`: a file whose bytes did not change is neither parsed nor checked again, and
/// what a run gives with it is exactly what it gives without it.
@Suite struct ParseCacheTests {
    /// A copy of the example register in its own folder (the cache goes beside it), with a
    /// warning (a missing translation: the register stays usable, so its entries are compared
    /// too) and a file saved with a byte-order mark and Windows line endings.
    func register(in folder: URL) throws -> URL {
        let registry = try TestSupport.copyExampleRegistry(into: folder)
        let systems = registry.appendingPathComponent("systems")
        try FileManager.default.removeItem(at: systems.appendingPathComponent("pothole-detection.nl.md"))
        let crowd = try TestSupport.read(systems.appendingPathComponent("crowd-monitoring.md"))
        try Data([0xEF, 0xBB, 0xBF] + Array(crowd.replacingOccurrences(of: "\n", with: "\r\n").utf8)).write(to: systems.appendingPathComponent("crowd-monitoring.md"))
        return registry
    }

    func validate(_ registry: URL, today: String = "2026-06-01", cached: Bool = true, growthAllowance: Int? = nil) throws -> (ValidationResult, ParseCache?) {
        var cache: ParseCache?
        if cached { cache = try #require(ParseCache.forRegister(registry.path) as ParseCache?) }
        if let growthAllowance { cache?.growthAllowance = growthAllowance }
        return (RegisterValidator.validate(registry.path, options: ValidationOptions(today: today), cache: cache), cache)
    }

    /// Every diagnostic, and every entry with the place of each of its keys and values.
    func digest(_ result: ValidationResult) -> String {
        var lines = result.diagnostics.map { "\($0.file):\($0.location?.description ?? "-") \($0.severity) \($0.code.rawValue) \($0.message) | \($0.fix ?? "")" }
        func dump(_ value: Value, _ path: String) {
            switch value.kind {
            case .object(let object):
                lines.append("\(path) object @\(value.location)")
                for member in object.members {
                    lines.append("\(path).\(member.key) key @\(member.keyLocation)")
                    dump(member.value, "\(path).\(member.key)")
                }
            case .array(let items):
                lines.append("\(path) array @\(value.location)")
                for (index, item) in items.enumerated() { dump(item, "\(path)[\(index)]") }
            default:
                lines.append("\(path) = \(value.jsonText(pretty: false)) @\(value.location)")
            }
        }
        for entry in result.register?.entries ?? [] {
            dump(Value(.object(entry.fields)), "\(entry.file)")
            lines.append("\(entry.file) body \(entry.body.debugDescription)")
            for (language, translation) in entry.translations.sorted(by: { $0.key < $1.key }) {
                dump(Value(.object(translation.fields)), "\(translation.file) (\(language))")
                lines.append("\(translation.file) body \(translation.body.debugDescription)")
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test func aSecondRunReusesEveryFileAndGivesTheSameResult() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            let (uncached, _) = try validate(registry, cached: false)
            #expect(uncached.diagnostics.contains { $0.code == .missingTranslation && $0.file.hasSuffix("pothole-detection.md") }, "the fixture has its warning")
            #expect((uncached.register?.entries.count ?? 0) > 10, "and its entries")
            let (first, firstCache) = try validate(registry)
            #expect(firstCache?.reusedDocuments == 0)
            let (second, secondCache) = try validate(registry)
            #expect(secondCache?.reusedDocuments == uncached.checkedFiles, "every file read comes from the cache")
            let systemFiles = try systemFiles(registry)
            #expect(secondCache?.reusedChecks == systemFiles, "and so do the checks of every entry and translation")
            #expect(digest(first) == digest(uncached))
            #expect(digest(second) == digest(uncached))
        }
    }

    /// `--registry Registry` in one run and `--registry ./Registry` (or an absolute path) in the
    /// next: the same files, so the second run finds every record, and its diagnostics name the
    /// files the way it was asked.
    @Test func theSameRegisterNamedAnotherWayReusesEveryFile() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            _ = try validate(registry)
            let otherName = registry.deletingLastPathComponent().path + "/./" + registry.lastPathComponent
            let cache = try #require(ParseCache.forRegister(otherName) as ParseCache?)
            let result = RegisterValidator.validate(otherName, options: ValidationOptions(today: "2026-06-01"), cache: cache)
            #expect(cache.reusedDocuments == result.checkedFiles, "every file read comes from the cache")
            // The entries' checks too; a translation's are made again, since their messages name
            // the entry's file as it was asked for.
            let entries = try FileManager.default.contentsOfDirectory(atPath: registry.appendingPathComponent("systems").path)
                .filter { $0.split(separator: ".").count == 2 }.count
            #expect(cache.reusedChecks == entries)
            let warning = try #require(result.diagnostics.first { $0.code == .missingTranslation })
            #expect(warning.file.hasPrefix(otherName + "/"), "named as asked: \(warning.file)")
        }
    }

    @Test func anEditedFileIsReadAgainAndOnlyIt() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            _ = try validate(registry)
            let edited = registry.appendingPathComponent("systems/bridge-predictive-maintenance.md")
            try TestSupport.replaceOnce(in: edited, "\nstatus:", with: "\nstatsu:")
            let (uncached, _) = try validate(registry, cached: false)
            let (cached, cache) = try validate(registry)
            #expect(cache?.reusedDocuments == uncached.checkedFiles - 1)
            let systemFiles = try systemFiles(registry)
            #expect(cache?.reusedChecks == systemFiles - 2, "the entry and its translation, which is checked against it, are checked again")
            #expect(cached.diagnostics.contains { $0.code == .unknownField && $0.file.hasSuffix("bridge-predictive-maintenance.md") })
            #expect(digest(cached) == digest(uncached))
        }
    }

    func systemFiles(_ registry: URL) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: registry.appendingPathComponent("systems").path).count
    }

    @Test func anotherDayChecksEveryEntryAgain() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            _ = try validate(registry, today: "2026-06-01")
            let (uncached, _) = try validate(registry, today: "2030-01-01", cached: false)
            #expect(uncached.diagnostics.contains { $0.code == .revisionOverdue }, "in 2030 every revision date has passed")
            let (cached, cache) = try validate(registry, today: "2030-01-01")
            #expect(cache?.reusedChecks == 0)
            #expect((cache?.reusedDocuments ?? 0) > 0, "the parsed files are still reused")
            #expect(digest(cached) == digest(uncached))
            // The new checks were kept with the files' records: the same day reuses them all.
            let (again, againCache) = try validate(registry, today: "2030-01-01")
            #expect(againCache?.reusedChecks == (try systemFiles(registry)))
            #expect(digest(again) == digest(uncached))
        }
    }

    @Test(arguments: ["truncated", "one byte changed", "not a cache", "empty"])
    func aDamagedCacheIsIgnored(_ damage: String) throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            let (uncached, _) = try validate(registry, cached: false)
            _ = try validate(registry)
            let file = folder.appendingPathComponent(".algoreg-cache/parse.bin")
            var bytes = [UInt8](try Data(contentsOf: file))
            switch damage {
            case "truncated": bytes.removeLast(bytes.count / 3)
            case "one byte changed": bytes[bytes.count / 2] ^= 0x40
            case "not a cache": bytes = Array("---\nname: x\n".utf8)
            default: bytes = []
            }
            try Data(bytes).write(to: file)
            let (cached, cache) = try validate(registry)
            if damage == "truncated" || damage == "one byte changed" {
                #expect((cache?.reusedDocuments ?? 0) < uncached.checkedFiles, "records from the damage on are not used")
            } else {
                #expect(cache?.reusedDocuments == 0)
            }
            #expect(digest(cached) == digest(uncached))
            let (again, repaired) = try validate(registry)
            #expect(repaired?.reusedDocuments == uncached.checkedFiles, "the log was written anew")
            #expect(digest(again) == digest(uncached))
        }
    }

    @Test func recordsAreAppendedUntilTheLogIsWrittenAnew() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            let file = folder.appendingPathComponent(".algoreg-cache/parse.bin")
            let edited = registry.appendingPathComponent("systems/bridge-predictive-maintenance.md")
            _ = try validate(registry)
            let first = try Data(contentsOf: file)
            try TestSupport.write(try TestSupport.read(edited) + "\nOne more line.\n", to: edited)
            _ = try validate(registry)
            let second = try Data(contentsOf: file)
            #expect(second.count > first.count && second.prefix(first.count) == first, "the edited file's record is appended")
            var sizes = [second.count]
            for round in 0..<20 {
                try TestSupport.write(try TestSupport.read(edited) + "\nLine \(round).\n", to: edited)
                _ = try validate(registry, growthAllowance: 0)
                sizes.append(try Data(contentsOf: file).count)
            }
            #expect(zip(sizes, sizes.dropFirst()).contains { $1 < $0 }, "once it holds half again what is needed, the log is written anew: \(sizes)")
            #expect(sizes.max()! < first.count * 2)
            let (uncached, _) = try validate(registry, cached: false)
            let (cached, cache) = try validate(registry)
            #expect(cache?.reusedDocuments == uncached.checkedFiles)
            #expect(digest(cached) == digest(uncached))
        }
    }

    @Test func theCacheStaysOutOfGitAndOutOfTheSiteAndTheSiteIsTheSame() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try register(in: folder)
            func build(_ output: String, cached: Bool) -> SiteBuilder.Result {
                SiteBuilder.build(SiteBuilder.Options(
                    registry: registry.path, templates: TestSupport.templates.path, output: folder.appendingPathComponent(output).path,
                    sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2026-06-01", reusesParsedFiles: cached)))
            }
            #expect(build("Plain", cached: false).succeeded)
            #expect(build("Site", cached: true).succeeded)
            let cacheFolder = folder.appendingPathComponent(".algoreg-cache")
            #expect(try TestSupport.read(cacheFolder.appendingPathComponent(".gitignore")).contains("\n*\n"))
            let permissions = try FileManager.default.attributesOfItem(atPath: cacheFolder.appendingPathComponent("parse.bin").path)[.posixPermissions] as? Int
            #expect(permissions == 0o600, "only its owner may read it: it holds the private fields")
            try FileManager.default.removeItem(at: folder.appendingPathComponent("Site"))
            #expect(build("Site", cached: true).succeeded, "built from the cache")
            #expect(!TestSupport.files(under: folder.appendingPathComponent("Site")).contains { $0.contains("algoreg-cache") || $0.hasSuffix(".bin") })
            let differences = try TestSupport.siteDifferences(folder.appendingPathComponent("Site"), folder.appendingPathComponent("Plain"))
            #expect(differences.isEmpty, "\(differences)")
        }
    }
}
