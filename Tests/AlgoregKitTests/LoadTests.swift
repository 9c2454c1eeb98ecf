import Foundation
import Testing
@testable import AlgoregKit

/// Files that cannot be parsed at all: each gets one diagnostic for the whole file and the
/// rest of the register is still checked.
@Suite struct LoadTests {
    func problems(writing relative: String, _ data: Data, settings: String? = nil) throws -> [Diagnostic] {
        let register = try TemporaryRegister()
        defer { register.delete() }
        if let settings { try register.write("register.yaml", settings) }
        try register.write(relative, data)
        return register.validate().diagnostics.filter { $0.file.hasSuffix(relative) }
    }

    @Test func invalidUTF8IsReportedWhereItStarts() throws {
        var bytes = Data("---\nname: Caf".utf8)
        bytes.append(0xE9) // Windows-1252 "é"
        bytes.append(contentsOf: Data("\n---\n".utf8))
        let found = try problems(writing: "systems/latin1.md", bytes)
        #expect(found.map(\.code) == [.invalidUTF8])
        #expect(found.first?.location == SourceLocation(line: 2, column: 10))
    }

    @Test func binaryAndEmptyFiles() throws {
        #expect(try problems(writing: "systems/image.md", Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 1])).map(\.code) == [.binaryFile])
        #expect(try problems(writing: "systems/blank.md", Data("  \n\n".utf8)).map(\.code) == [.emptyFile])
    }

    @Test func fileOverTheSizeLimit() throws {
        let settings = try String(contentsOf: TestSupport.fixtures.appendingPathComponent("register/register.yaml"), encoding: .utf8) + "max_file_size: 1KB\n"
        let big = Data(("---\nname: x\n---\n" + String(repeating: "words ", count: 400)).utf8)
        let found = try problems(writing: "systems/big.md", big, settings: settings)
        #expect(found.map(\.code) == [.fileTooLarge])
        #expect(found.first?.message.contains("1 KB") == true)
    }

    @Test func badFileNamesAreNotValidIDs() throws {
        let found = try problems(writing: "systems/My Chatbot.md", Data("---\nname: x\n---\n".utf8))
        #expect(found.map(\.code) == [.badFileName])
        #expect(found.first?.fix?.contains("my-chatbot.md") == true)
    }

    /// The byte reading of a file's name says what splitting it as text says: `<id>.md`,
    /// `<id>.<language>.md`, not Markdown, or a bad name (with what comes before its first dot).
    @Test func entryFileNamesReadAsBytesAsTheyReadAsText() {
        let samples = ["chatbot.md", "chatbot.nl.md", "sub/chatbot.pt-BR.md", "a.b.c.md", "My Chatbot.md", "chatbot.NL.md", "x.md", ".md.md",
                       "chatbot.txt", "chatbot.MD", "md", "chatbot.md.bak", "é.md", "chatbot..md", "chatbot.nl.md/other.md"]
        for sample in samples {
            let name = String(sample.split(separator: "/").last ?? "")
            var expected: RegisterLoader.EntryName = .notMarkdown
            if name.hasSuffix(".md") && name.count > 3 {
                let parts = name.dropLast(3).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                let language = parts.count == 2 ? parts[1] : nil
                expected = parts.count <= 2 && RegisterLayout.isID(parts[0]) && (language.map(RegisterLayout.isLanguageCode) ?? true)
                    ? .entry(id: parts[0], language: language) : .badName(name, stem: parts[0])
            }
            #expect(RegisterLoader.entryName(sample) == expected, "\(sample)")
        }
    }

    /// Files are listed in the order of their names' bytes, which for ASCII names is their order as text.
    @Test func filesAreListedInTheOrderOfTheirNames() throws {
        try TestSupport.withTemporaryFolder { folder in
            let names = ["b.md", "a-2.md", "a.md", "a.nl.md", "access-advice-05900.md", "access-advice-05900.nl.md", "access-advice-0590.md",
                         "access-advice-059000.md", "Z.md", "a-very-long-name-that-shares-its-first-sixteen-bytes-1.md",
                         "a-very-long-name-that-shares-its-first-sixteen-bytes-0.md"]
            for name in names { try TestSupport.write("x", to: folder.appendingPathComponent(name)) }
            #expect(RegisterLoader.listFiles(under: folder.path).map(\.0) == names.sorted())
            try TestSupport.write("x", to: folder.appendingPathComponent("é.md"))
            #expect(RegisterLoader.listFiles(under: folder.path).map(\.0) == (names + ["é.md"]).sorted())
        }
    }

    /// The byte checks of ids and language codes say what the patterns of the register format say.
    @Test func idsAndLanguageCodesAreCheckedAsThePatternsSay() {
        let id = /[a-z0-9][a-z0-9-]*/, language = /[a-z]{2,3}(-[A-Za-z0-9]+)?/
        let samples = ["", "a", "chatbot", "my-chatbot", "-chatbot", "chatbot-", "Chatbot", "chat_bot", "2024-budget", "é", "chatbot é", "a b",
                       "nl", "nld", "n", "nlde", "pt-BR", "pt-", "pt-br-x", "zh-Hant", "NL", "n1", "en-GB1", "de-", "-", "ab-é"]
        for sample in samples {
            #expect(RegisterLayout.isID(sample) == (sample.wholeMatch(of: id) != nil), "\(sample)")
            #expect(RegisterLayout.isLanguageCode(sample) == (sample.wholeMatch(of: language) != nil), "\(sample)")
        }
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let valid = try String(contentsOf: TestSupport.fixtures.appendingPathComponent("register/systems/valid-entry.md"), encoding: .utf8)
        let register = try TemporaryRegister()
        defer { register.delete() }
        try register.write("systems/valid-entry.md", "\u{FEFF}" + valid.replacingOccurrences(of: "\n", with: "\r\n"))
        let result = register.validate()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.register?.entries.first?.body == "The permit check compares licence plates with the permit register.\n")
    }

    @Test func symlinkLeadingOutsideTheRegisterIsNotRead() throws {
        let register = try TemporaryRegister()
        defer { register.delete() }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("algoreg-outside-\(UUID().uuidString).md")
        try Data("---\nname: secret\n---\n".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: register.folder.appendingPathComponent("systems/linked.md"), withDestinationURL: outside)
        let found = register.validate().diagnostics.filter { $0.file.hasSuffix("linked.md") }
        #expect(found.map(\.code) == [.symlinkOutside])
    }

    @Test func missingRegisterFolder() {
        let result = RegisterValidator.validate("/nonexistent/Registry")
        #expect(result.diagnostics.map(\.code) == [.fileUnreadable])
        #expect(result.register == nil)
    }
}
