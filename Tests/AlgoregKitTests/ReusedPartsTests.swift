import Foundation
import Testing
@testable import AlgoregKit

/// A rebuild copies each system's unchanged part of `register.json`, `register.csv` and the
/// exports from the previous build's file, and the files come out as a build from nothing
/// writes them; a previous file that is not the one indexed is not copied from.
@Suite struct ReusedPartsTests {
    /// Writes `{` + items as `[a,b,...]` + `}` through a sink that drains every few bytes, with
    /// each item a part; returns the file's index entry and how many parts were copied.
    func write(_ path: String, _ items: [(key: PartKey, text: String)], separator: String = ", ",
               previous: (path: String, file: PartIndex.File)? = nil) throws -> (file: PartIndex.File, reused: Int) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let writer = FileWriter(descriptor: descriptor, previousPath: previous?.path, previousFile: previous?.file)
        var sink = ByteSink(drainSize: 3) { writer.write($0) }
        sink.writer = writer
        sink.append("{")
        for (position, item) in items.enumerated() {
            sink.append(position == 0 ? "[" : separator)
            sink.part(item.key) { $0.append(item.text) }
            sink.drainIfFull()
        }
        sink.append("]}")
        sink.flush()
        writer.finish()
        #expect(writer.failedWith == nil)
        let identity = try #require(FileIdentity.of(descriptor: descriptor))
        return (PartIndex.File(identity: identity, parts: writer.parts, gaps: writer.gaps), writer.reusedParts)
    }

    func key(_ name: String) -> PartKey { PartKey(name, context: "test") }

    @Test func unchangedPartsAreCopiedWhereTheOrderHoldsAndTheFileIsWhatWritingItWholeGives() throws {
        try TestSupport.withTemporaryFolder { folder in
            let old = folder.appendingPathComponent("old").path, new = folder.appendingPathComponent("new").path
            let first = try write(old, [(key("a"), "alpha"), (key("b"), "bravo"), (key("c"), "charlie"), (key("d"), "delta")])
            #expect(first.reused == 0)
            #expect(try TestSupport.read(URL(fileURLWithPath: old)) == "{[alpha, bravo, charlie, delta]}")

            // The first part goes (so the next has another separator), one changes, one is new,
            // and one moves from first to last: looked for only a few parts ahead, it is made anew.
            let items = [(key("b"), "bravo"), (key("c2"), "charlie, edited"), (key("d"), "delta"), (key("e"), "echo"), (key("a"), "alpha")]
            let second = try write(new, items, previous: (old, first.file))
            #expect(try TestSupport.read(URL(fileURLWithPath: new)) == "{[bravo, charlie, edited, delta, echo, alpha]}")
            #expect(second.reused == 2)
            #expect(second.file.parts.map(\.offset) == [2, 9, 26, 33, 39])
            #expect(second.file.parts.map(\.length) == [5, 15, 5, 4, 5])

            // Then the file with every part unchanged: copied, runs and separators alike.
            try #require(rename(new, old) == 0)
            let third = try write(new, items, previous: (old, second.file))
            #expect(third.reused == 5)
            #expect(try TestSupport.read(URL(fileURLWithPath: new)) == "{[bravo, charlie, edited, delta, echo, alpha]}")
            #expect(third.file.parts.map(\.offset) == second.file.parts.map(\.offset))

            // Other separators between the same parts: the parts are copied, the separators not.
            try #require(rename(new, old) == 0)
            let fourth = try write(new, items, separator: "; ", previous: (old, third.file))
            #expect(fourth.reused == 5)
            #expect(try TestSupport.read(URL(fileURLWithPath: new)) == "{[bravo; charlie, edited; delta; echo; alpha]}")
        }
    }

    @Test func aPreviousFileChangedSinceItWasIndexedIsNotCopiedFrom() throws {
        try TestSupport.withTemporaryFolder { folder in
            let old = folder.appendingPathComponent("old").path, new = folder.appendingPathComponent("new").path
            let first = try write(old, [(key("a"), "alpha"), (key("b"), "bravo")])
            try TestSupport.write("{[ALPHA, bravo]}", to: URL(fileURLWithPath: old))
            let second = try write(new, [(key("a"), "alpha"), (key("b"), "bravo")], previous: (old, first.file))
            #expect(second.reused == 0)
            #expect(try TestSupport.read(URL(fileURLWithPath: new)) == "{[alpha, bravo]}")
        }
    }

    @Test func theIndexReadsBackAndAnythingDamagedReadsAsNone() throws {
        var index = PartIndex()
        index.files["data/register.csv"] = PartIndex.File(identity: "1:2:3:4.5", parts: [
            PartIndex.Part(key: key("a"), offset: 10, length: 300), PartIndex.Part(key: key("b"), offset: 1 << 40, length: 0, gap: 1),
        ], gaps: [Array(",\n".utf8), []])
        index.files["data/register.json"] = PartIndex.File(identity: "", parts: [])
        let bytes = index.encoded()
        #expect(PartIndex.decode(bytes)?.files == index.files)
        for cut in [1, 8, bytes.count / 2] { #expect(PartIndex.decode(Array(bytes.dropLast(cut))) == nil) }
        var flipped = bytes
        flipped[PartIndex.magic.count + 3] ^= 0x20
        #expect(PartIndex.decode(flipped) == nil)
        #expect(PartIndex.decode([]) == nil)
    }

    // MARK: Builds

    static let partFiles = ["data/register.json", "data/register.csv", "data/export/us-2025.csv", "data/export/nyc-ll35.csv",
                            "data/export/nl-1.0.csv", "data/export/ats-0.3.1.csv", "data/export/ats-json.json", "feed.xml"]

    func build(_ registry: URL, into output: URL, parseCache: Bool = true) throws -> SiteBuilder.Result {
        let result = SiteBuilder.build(SiteBuilder.Options(
            registry: registry.path, templates: TestSupport.templates.path, output: output.path,
            sourceDateEpoch: "1767225600", validation: ValidationOptions(today: "2025-01-01", reusesParsedFiles: parseCache)))
        try #require(result.succeeded, "\(result.diagnostics)")
        return result
    }

    func publicSystems(_ output: URL) throws -> Int {
        let register = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("data/register.json"))) as? [String: Any]
        return try #require(register?["count"] as? Int)
    }

    func expectSameAsABuildFromNothing(_ registry: URL, _ output: URL) throws {
        let fresh = registry.deletingLastPathComponent().appendingPathComponent("Fresh-\(UUID().uuidString)")
        _ = try build(registry, into: fresh, parseCache: false)
        let differences = try TestSupport.siteDifferences(output, fresh)
        #expect(differences.isEmpty, "\(differences)")
        #expect(Self.partFiles.allSatisfy { FileManager.default.fileExists(atPath: output.appendingPathComponent($0).path) }, "every file with parts is compared")
    }

    @Test func aRebuildCopiesEveryUnchangedSystemsPartsAndWritesTheSameFiles() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try TestSupport.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Site")
            #expect(try build(registry, into: output).reusedParts == 0)
            let systems = try publicSystems(output)
            try #require(systems >= 3)

            let edited = registry.appendingPathComponent("systems/pothole-detection.md")
            try TestSupport.write(try TestSupport.read(edited) + "\nA new paragraph.\n", to: edited)
            #expect(try build(registry, into: output).reusedParts == (systems - 1) * Self.partFiles.count)
            #expect(try TestSupport.read(output.appendingPathComponent("data/register.csv")).contains("A new paragraph."))
            try expectSameAsABuildFromNothing(registry, output)

            // The first system gone (the next one's separator changes), and nothing else changed.
            let first = try #require(try TestSupport.systemIDs(in: registry).first)
            for file in ["\(first).md", "\(first).nl.md"] { try FileManager.default.removeItem(at: registry.appendingPathComponent("systems/\(file)")) }
            let remaining = try publicSystems(output) - 1
            let afterRemoval = try build(registry, into: output)
            #expect(try publicSystems(output) == remaining)
            #expect(afterRemoval.reusedParts == remaining * Self.partFiles.count)
            try expectSameAsABuildFromNothing(registry, output)
        }
    }

    @Test func anOutputFileChangedByHandOrADamagedIndexIsMadeAfresh() throws {
        try TestSupport.withTemporaryFolder { folder in
            let registry = try TestSupport.copyExampleRegistry(into: folder)
            let output = folder.appendingPathComponent("Site")
            _ = try build(registry, into: output)
            let systems = try publicSystems(output)
            let csv = output.appendingPathComponent("data/register.csv")
            try TestSupport.write(try TestSupport.read(csv).replacingOccurrences(of: "pothole", with: "POTHOLE"), to: csv)
            #expect(try build(registry, into: output).reusedParts == systems * (Self.partFiles.count - 1))
            try expectSameAsABuildFromNothing(registry, output)

            let index = SiteOutput.partIndexFile(registry: registry.path, output: output.path)
            var bytes = try [UInt8](Data(contentsOf: index))
            bytes[bytes.count / 2] ^= 1
            try Data(bytes).write(to: index)
            #expect(try build(registry, into: output).reusedParts == 0)
            try expectSameAsABuildFromNothing(registry, output)
        }
    }

    /// Sets the times of every folder below `root` (and `root`) an hour back, as if the build
    /// that wrote them had finished long ago.
    func ageFolders(_ root: URL) throws {
        let hourAgo = Date().addingTimeInterval(-3600)
        let folders = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey]))
        var all = [root]
        for case let url as URL in folders where (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true { all.append(url) }
        for folder in all { try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: folder.path) }
    }

    func inode(_ url: URL) throws -> UInt64 {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64)
    }

    /// Deletes a system's file and its translations from the register.
    func removeSystem(_ id: String, from registry: URL) throws {
        let systems = registry.appendingPathComponent("systems")
        for name in try FileManager.default.contentsOfDirectory(atPath: systems.path) where name == "\(id).md" || (name.hasPrefix("\(id).") && name.hasSuffix(".md")) {
            try FileManager.default.removeItem(at: systems.appendingPathComponent(name))
        }
    }

    func expectNothingLeftOf(_ id: String, in output: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for path in ["systems/\(id)", "nl/systems/\(id)", "data/systems/\(id).json"] {
            #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent(path).path), "\(path) is left", sourceLocation: sourceLocation)
        }
    }

    /// The example register built into `Site/`, its systems' ids (at least `count`), and the
    /// output's folders aged (`ageFolders`).
    func builtExample(in folder: URL, atLeast count: Int) throws -> (registry: URL, output: URL, ids: [String]) {
        let registry = try TestSupport.copyExampleRegistry(into: folder)
        let output = folder.appendingPathComponent("Site")
        _ = try build(registry, into: output)
        let ids = try TestSupport.systemIDs(in: registry)
        try #require(ids.count >= count)
        try ageFolders(output)
        return (registry, output, ids)
    }

    @Test func aSystemGoneSinceThePreviousBuildLeavesNothingWhetherTheFolderOfSystemsIsReadOrTakenFromTheMarker() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (registry, output, ids) = try builtExample(in: folder, atLeast: 3)
            func removeAndBuild(_ id: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
                try removeSystem(id, from: registry)
                _ = try build(registry, into: output)
                expectNothingLeftOf(id, in: output, sourceLocation: sourceLocation)
                try expectSameAsABuildFromNothing(registry, output)
            }

            // Nobody touched the folders of systems since: their entries come from the marker.
            try removeAndBuild(ids[0])

            // A file put straight into `systems/` changes that folder: it is read, and the file goes.
            try ageFolders(output)
            let stray = output.appendingPathComponent("systems/notes.txt")
            try TestSupport.write("mine\n", to: stray)
            try removeAndBuild(ids[1])
            #expect(!FileManager.default.fileExists(atPath: stray.path))

            // A commit cut short before the marker got its keys: nothing is taken from the marker.
            try TestSupport.write(SiteOutput.markerText, to: output.appendingPathComponent(SiteOutput.marker))
            try ageFolders(output)
            try removeAndBuild(ids[2])
        }
    }

    @Test func aPageFolderNobodyChangedSinceThePreviousBuildIsKeptUnreadAndAChangedOneIsLookedInto() throws {
        try TestSupport.withTemporaryFolder { folder in
            let (registry, output, ids) = try builtExample(in: folder, atLeast: 3)
            // Since then: one page deleted, a stray file put beside another; each changes its
            // folder's time. The third system's folders are as the build left them.
            let deleted = output.appendingPathComponent("systems/\(ids[0])/index.html")
            try FileManager.default.removeItem(at: deleted)
            let stray = output.appendingPathComponent("nl/systems/\(ids[1])/notes.txt")
            try TestSupport.write("mine\n", to: stray)
            let untouched = output.appendingPathComponent("systems/\(ids[2])/index.html")
            let untouchedInode = try inode(untouched)

            _ = try build(registry, into: output)
            #expect(FileManager.default.fileExists(atPath: deleted.path))
            #expect(!FileManager.default.fileExists(atPath: stray.path))
            #expect(try inode(untouched) == untouchedInode, "an unchanged system's page stays the file it was")
            try expectSameAsABuildFromNothing(registry, output)
        }
    }
}
