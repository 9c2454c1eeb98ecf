import Foundation
import Testing
@testable import AlgoregKit

/// A rebuild writes each file that lists every system into the copy the commit before it
/// replaced (its spare) instead of into new pages, but only when nothing else can see that
/// copy; and the site is still what a build from nothing writes.
@Suite struct SpareFilesTests {
    let parts = ReusedPartsTests()
    let registerJSON = "data/register.json"

    func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// A cold build and a rebuild after one edit: the rebuild's commit leaves the cold build's
    /// files as spares. Returns the register, the output and the spares.
    func twoBuilds(in folder: URL) throws -> (registry: URL, output: URL, spares: SpareFiles) {
        let registry = try TestSupport.copyExampleRegistry(into: folder)
        let output = folder.appendingPathComponent("Site")
        _ = try parts.build(registry, into: output)
        try edit(registry, "First edit.")
        _ = try parts.build(registry, into: output)
        let cache = SiteOutput.partIndexFile(registry: registry.path, output: output.path).deletingLastPathComponent()
        return (registry, output, try #require(SpareFiles(cache: cache, output: output)))
    }

    func edit(_ registry: URL, _ sentence: String) throws {
        let file = registry.appendingPathComponent("systems/pothole-detection.md")
        try TestSupport.write(try TestSupport.read(file) + "\n\(sentence)\n", to: file)
    }

    @Test func aRebuildWritesIntoTheFileThePreviousCommitReplaced() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (registry, output, spares) = try twoBuilds(in: folder)
            for file in ReusedPartsTests.partFiles {
                #expect(FileManager.default.fileExists(atPath: spares.path(for: file)), "no spare of \(file)")
            }
            let spare = try #require(inode(spares.path(for: registerJSON)))
            #expect(spare != inode(output.appendingPathComponent(registerJSON).path))

            try edit(registry, "Second edit.")
            _ = try parts.build(registry, into: output)
            #expect(inode(output.appendingPathComponent(registerJSON).path) == spare)
            #expect(try TestSupport.read(output.appendingPathComponent(registerJSON)).contains("Second edit."))
            try parts.expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func aSpareSomeoneStillReadsIsLeftAsItIs() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (registry, output, spares) = try twoBuilds(in: folder)
            // A reader that opened the previous register.json before the last commit.
            let reader = open(spares.path(for: registerJSON), O_RDONLY)
            try #require(reader >= 0)
            defer { close(reader) }
            let before = try TestSupport.read(URL(fileURLWithPath: spares.path(for: registerJSON)))
            #expect(!before.contains("First edit."))

            try edit(registry, "Second edit.")
            _ = try parts.build(registry, into: output)
            var info = stat()
            try #require(fstat(reader, &info) == 0)
            #expect(inode(output.appendingPathComponent(registerJSON).path) != UInt64(info.st_ino))
            var held = [UInt8](repeating: 0, count: Int(info.st_size))
            #expect(pread(reader, &held, held.count, 0) == held.count)
            #expect(String(decoding: held, as: UTF8.self) == before, "the reader's file was written into")
            try parts.expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func aSpareWithAnotherNameIsLeftAsItIs() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (registry, output, spares) = try twoBuilds(in: folder)
            // Say a deploy step hard-linked the previous site somewhere.
            let deployed = folder.appendingPathComponent("deployed-register.json").path
            try #require(link(spares.path(for: registerJSON), deployed) == 0)
            let before = try TestSupport.read(URL(fileURLWithPath: deployed))

            try edit(registry, "Second edit.")
            _ = try parts.build(registry, into: output)
            #expect(try TestSupport.read(URL(fileURLWithPath: deployed)) == before)
            #expect(inode(output.appendingPathComponent(registerJSON).path) != inode(deployed))
            try parts.expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func aFailedBuildLeavesTheSiteAndItsSparesAsTheyWere() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (registry, output, spares) = try twoBuilds(in: folder)
            let published = try TestSupport.read(output.appendingPathComponent(registerJSON))
            let spare = try #require(inode(spares.path(for: registerJSON)))
            let templates = folder.appendingPathComponent("Templates")
            try FileManager.default.copyItem(at: TestSupport.templates, to: templates)
            try TestSupport.write("{{#unclosed}}", to: templates.appendingPathComponent("layout/system.mustache"))
            try edit(registry, "Second edit.")
            let result = SiteBuilder.build(SiteBuilder.Options(
                registry: registry.path, templates: templates.path, output: output.path,
                sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2025-01-01", reusesParsedFiles: true)))
            #expect(!result.succeeded)
            #expect(try TestSupport.read(output.appendingPathComponent(registerJSON)) == published)
            #expect(inode(spares.path(for: registerJSON)) == spare)

            _ = try parts.build(registry, into: output)
            #expect(inode(output.appendingPathComponent(registerJSON).path) == spare)
            try parts.expectSameAsABuildFromNothing(registry, output)
        }
    }
}
