import Foundation
import Testing
@testable import AlgoregKit

/// A file whose status (inode, size, times) is the one the parse cache kept with the key of its
/// bytes is not read again: its body stays in the file until something reads it, and a file that
/// changed by then is caught, not published.
@Suite struct FileStatusesTests {
    let cacheTests = ParseCacheTests()

    /// A run with the cache, keeping the status of files left alone for `settledAfter` ns.
    func validate(_ registry: URL, settledAfter: Int64 = 0) throws -> (ValidationResult, ParseCache) {
        let cache = try #require(ParseCache.forRegister(registry.path) as ParseCache?)
        cache.settledAfter = settledAfter
        return (RegisterValidator.validate(registry.path, options: ValidationOptions(today: "2026-06-01"), cache: cache), cache)
    }

    func bodiesRead(_ result: ValidationResult) -> [String] {
        (result.register?.entries ?? []).filter { $0.lazyBody.isMade }.map(\.id)
    }

    @Test func aFileWhoseStatusDidNotChangeIsNotReadAgainAndReadsTheSame() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try cacheTests.register(in: folder)
            _ = try validate(registry)
            let (second, cache) = try validate(registry)
            let register = try #require(second.register)
            try #require(register.entries.count >= 3)
            // The file saved with a byte-order mark keeps its body in the cache; no other body is read.
            #expect(bodiesRead(second) == ["crowd-monitoring"])

            let edited = registry.appendingPathComponent("systems/pothole-detection.md")
            try TestSupport.write(try TestSupport.read(edited) + "\nEdited.\n", to: edited)
            let (third, _) = try validate(registry)
            #expect(bodiesRead(third) == ["crowd-monitoring", "pothole-detection"])
            #expect(third.register?.entries.first { $0.id == "pothole-detection" }?.body.contains("Edited.") == true)

            // Read later, every body (and field) is what a run without the cache reads.
            let (uncached, _) = try cacheTests.validate(registry, cached: false)
            #expect(cacheTests.digest(third) == cacheTests.digest(uncached))
            #expect(cache.sourceChanges.paths.isEmpty)
        }
    }

    /// The statuses kept for the next run after one file is edited and another deleted: the
    /// edited file's new one, none for the deleted file, every other file's as it was.
    @Test func theKeptStatusesFollowAnEditAndADeletionAndKeepTheRest() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try cacheTests.register(in: folder)
            _ = try validate(registry)
            _ = try validate(registry)
            let file = ParseCache.folder(forRegister: registry.path).appendingPathComponent(FileStatuses.fileName)
            func saved() throws -> [String: FileStatuses.Entry] {
                let bytes = try [UInt8](Data(contentsOf: file))
                return try #require(bytes.withUnsafeBytes { FileStatuses.decode($0) }).entries
            }
            let before = try saved()
            let edited = try #require(before.keys.first { $0.hasSuffix("systems/pothole-detection.md") })
            let deleted = try #require(before.keys.first { $0.hasSuffix("systems/service-chatbot.md") })
            try #require(before.count >= 4)

            let editedFile = registry.appendingPathComponent("systems/pothole-detection.md")
            try TestSupport.write(try TestSupport.read(editedFile) + "\nEdited.\n", to: editedFile)
            try FileManager.default.removeItem(at: registry.appendingPathComponent("systems/service-chatbot.md"))
            _ = try validate(registry)
            let after = try saved()

            #expect(Set(after.keys) == Set(before.keys).subtracting([deleted]))
            #expect(after[edited] != nil && after[edited] != before[edited])
            for path in after.keys where path != edited { #expect(after[path] == before[path], "\(path)") }
        }
    }

    @Test func aFileThatChangesBeforeItsBodyIsReadIsCaught() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try cacheTests.register(in: folder)
            _ = try validate(registry)
            let (second, cache) = try validate(registry)
            let entry = try #require(second.register?.entries.first { $0.id == "service-chatbot" })
            try #require(!entry.lazyBody.isMade)
            let file = registry.appendingPathComponent("systems/service-chatbot.md")
            try TestSupport.write(try TestSupport.read(file) + "\nChanged meanwhile.\n", to: file)
            #expect(entry.body == "")
            #expect(cache.sourceChanges.paths == [entry.file])
        }
    }

    @Test func aFileReadTooSoonAfterItChangedOrADamagedStatusFileIsReadAgain() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try cacheTests.register(in: folder)
            // Files copied a moment ago: a write in the same tick of the clock could leave their status.
            _ = try validate(registry, settledAfter: 3_600_000_000_000)
            let (second, _) = try validate(registry)
            #expect(bodiesRead(second).count == second.register?.entries.count)

            let statuses = ParseCache.folder(forRegister: registry.path).appendingPathComponent(FileStatuses.fileName)
            var bytes = try [UInt8](Data(contentsOf: statuses))
            bytes[bytes.count / 2] ^= 1
            try Data(bytes).write(to: statuses)
            let (third, _) = try validate(registry)
            #expect(bodiesRead(third).count == third.register?.entries.count)
            let (fourth, _) = try validate(registry)
            #expect(bodiesRead(fourth) == ["crowd-monitoring"])
        }
    }
}
