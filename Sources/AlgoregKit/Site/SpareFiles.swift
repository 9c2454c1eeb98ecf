import CFileCopy
import Foundation

// The files that list every system are written whole into the staging folder at every
// rebuild, so that a failed build leaves the previous ones (see ReusedParts.swift). At 10,000
// systems that is 390 MB, and writing it into new pages of memory (then freeing the replaced
// files' pages) cost twice what writing into pages a file already has costs. So the file a
// commit replaces is kept as a spare in the register's cache folder, and the next build writes
// that file's content into the spare from its first byte, cuts it to length, and moves it in:
// each of these files alternates between two copies, one published and one spare.
//
// A spare is written only when nothing else can see it: it is not in the output any more, it
// has no other name (a hard link from a deployed copy), and no process has it open (a reader
// still downloading the previous version). Anything else and the build writes a new file.

/// The spares of one output folder: `.algoreg-cache/spare-<output>/`, one file per file the
/// build streams (`SiteOutput.stream`), named after its path in the site.
final class SpareFiles: Sendable {
    let folder: String

    /// `cache`: the register's cache folder. nil when it and the output are on different file
    /// systems (a spare could not be moved into the output by a rename).
    init?(cache: URL, output: URL) {
        folder = cache.appendingPathComponent("spare-\(String(XXH64.hash(output.path), radix: 16))").path
        var cacheParent = stat(), outputParent = stat()
        guard stat(cache.deletingLastPathComponent().path, &cacheParent) == 0,
              stat(output.deletingLastPathComponent().path, &outputParent) == 0,
              cacheParent.st_dev == outputParent.st_dev else { return nil }
    }

    /// The spare's name for a path in the site: `data/register.json` -> `data%2Fregister.json`.
    func path(for relative: String) -> String {
        folder + "/" + relative.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }

    /// Moves the spare of `relative` to `destination` (in the staging folder) and opens it for
    /// writing from its first byte, when there is one that nothing else can see; else nil, and
    /// no file is left at `destination`.
    func reuse(_ relative: String, at destination: String) -> Int32? {
        guard rename(path(for: relative), destination) == 0 else { return nil }
        let descriptor = open(destination, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        var info = stat()
        if descriptor >= 0, fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1,
           info.st_uid == geteuid(), algoreg_open_elsewhere(descriptor) == 0 {
            return descriptor
        }
        if descriptor >= 0 { close(descriptor) }
        // Unlinked, not truncated: whoever still holds it keeps what it held.
        unlink(destination)
        return nil
    }

    /// Keeps the output's file at `target`, which a move is about to replace, as the spare of
    /// `relative`. False when it could not be kept (the caller then frees it as before).
    func keep(_ target: String, as relative: String) -> Bool {
        let spare = path(for: relative)
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            ParseCache.makeFolder(URL(fileURLWithPath: folder).deletingLastPathComponent())
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { return false }
        }
        unlink(spare)
        return link(target, spare) == 0
    }

    /// Deletes the spares of files this build no longer streams.
    func removeAll(except relatives: Set<String>) {
        let kept = Set(relatives.map { path(for: $0) })
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where !kept.contains(folder + "/" + name) { unlink(folder + "/" + name) }
    }
}
