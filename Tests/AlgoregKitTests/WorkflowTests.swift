import Foundation
import Testing
@testable import AlgoregKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The staff workflow end to end, through the built binary: init, new, validate, build,
/// serve and explain. Every wait is bounded; `serve` is stopped with SIGINT.
@Suite(.serialized) struct WorkflowTests {
    static let binary = TestSupport.repoRoot.appendingPathComponent(".build/debug/algoreg")

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary to completion (these commands take well under a second).
    @discardableResult
    func algoreg(_ arguments: [String], in folder: URL) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the binary first: swift build")
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("algoreg-workflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `init` into a temporary folder, then `cd` there.
    func initialized(languages: String = "en,nl") throws -> URL {
        let parent = try temporaryFolder()
        let run = try algoreg(["init", "city", "--name", "City of Testburg", "--languages", languages, "--base-url", "https://algorithms.testburg.example"], in: parent)
        #expect(run.status == 0, "\(run.stderr)")
        return parent.appendingPathComponent("city")
    }

    // MARK: explain

    @Test func explainPrintsAnExampleForEveryCode() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for code in DiagnosticCode.allCases {
            let explanation = code.explanation
            #expect(!explanation.meaning.isEmpty && !explanation.wrong.isEmpty && !explanation.right.isEmpty, "\(code)")
            #expect(explanation.wrong != explanation.right, "\(code)")
            let run = try algoreg(["explain", code.rawValue], in: folder)
            #expect(run.status == 0, "\(code.rawValue): \(run.stderr)")
            #expect(run.stdout.hasPrefix(code.rawValue + "\n"))
            #expect(run.stdout.contains("Wrong:\n    ") && run.stdout.contains("Right:\n    "), "\(code.rawValue)")
        }
        // As copied from a diagnostic line.
        #expect(try algoreg(["explain", "error[unknown-field]"], in: folder).stdout.hasPrefix("unknown-field"))
        let unknown = try algoreg(["explain", "unknwn-feild"], in: folder)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Did you mean `unknown-field`?"))
    }

    // MARK: embedded defaults

    @Test func embeddedDefaultsMatchTheFiles() throws {
        let embedded = RegisterInit.embeddedFiles
        var expected = ["Registry/schema.yaml", "Registry/systems/parking-scan-cars.md", "Registry/systems/parking-scan-cars.nl.md"]
        let templates = TestSupport.templates
        let enumerator = try #require(FileManager.default.enumerator(at: templates, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            expected.append("Templates/" + url.path.dropFirst(templates.path.count + 1))
        }
        #expect(Set(embedded.keys) == Set(expected), "run .ci/embed-defaults and commit the result")
        for path in expected {
            let onDisk = try Data(contentsOf: TestSupport.repoRoot.appendingPathComponent(path))
            #expect(embedded[path] == onDisk, "\(path) changed: run .ci/embed-defaults and commit the result")
        }
    }

    // MARK: init, new, validate, build

    @Test func initNewFillValidateBuild() throws {
        let city = try initialized()
        defer { try? FileManager.default.removeItem(at: city.deletingLastPathComponent()) }
        let fileManager = FileManager.default
        for path in ["Registry/register.yaml", "Registry/schema.yaml", "Registry/about.md", "Registry/systems/parking-scan-cars.md",
                     "Templates/layout/system.mustache", "Templates/assets/style.css", "Templates/strings/nl.yaml",
                     ".github/workflows/algoreg.yml", ".gitlab-ci.yml", "README.md", ".gitignore"] {
            #expect(fileManager.fileExists(atPath: city.appendingPathComponent(path).path), "\(path)")
        }
        let github = try String(contentsOf: city.appendingPathComponent(".github/workflows/algoreg.yml"), encoding: .utf8)
        #expect(github.contains("algoreg validate --format github") && github.contains("actions/deploy-pages"))
        let gitlab = try String(contentsOf: city.appendingPathComponent(".gitlab-ci.yml"), encoding: .utf8)
        #expect(gitlab.contains("algoreg validate --format gitlab") && gitlab.contains("codequality:") && gitlab.contains("pages:"))

        // The fresh register is valid, and init refuses to overwrite it.
        #expect(try algoreg(["validate"], in: city).status == 0)
        let again = try algoreg(["init", "."], in: city)
        #expect(again.status == 2)
        #expect(again.stderr.contains("Registry/register.yaml"))

        // new: an unknown department lists the declared ones; a good one writes the file.
        let wrong = try algoreg(["new", "Smart waste bins", "--department", "mobilty"], in: city)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("Did you mean `mobility`?") && wrong.stderr.contains("Declared departments: mobility"))
        let created = try algoreg(["new", "Smart waste bins", "--department", "mobility"], in: city)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "Registry/systems/smart-waste-bins.md\n")
        // The same name again gets a unique id instead of overwriting.
        #expect(try algoreg(["new", "Smart waste bins", "--department", "mobility"], in: city).stdout == "Registry/systems/smart-waste-bins-2.md\n")
        try fileManager.removeItem(at: city.appendingPathComponent("Registry/systems/smart-waste-bins-2.md"))

        let entry = city.appendingPathComponent("Registry/systems/smart-waste-bins.md")
        var text = try String(contentsOf: entry, encoding: .utf8)
        #expect(text.contains("# The name people know the system by"))   // help from x-help, default language
        #expect(text.contains("\n# vendor: "))                             // optional: commented out

        // validate fails, saying which placeholders are left, at their lines.
        let failing = try algoreg(["validate", "--format", "json"], in: city)
        #expect(failing.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(failing.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        let left = diagnostics.filter { $0["code"] as? String == "placeholder-left" }
        #expect(left.count >= 10)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for diagnostic in left {
            let line = try #require(diagnostic["line"] as? Int)
            #expect(lines[line - 1].contains(NewEntry.placeholderMarker), "line \(line)")
        }
        // The placeholder is the one reason given for its value (no "not an e-mail address" too).
        let emailLine = try #require(lines.firstIndex { $0.hasPrefix("contact_email:") }) + 1
        #expect(diagnostics.filter { $0["line"] as? Int == emailLine }.map { $0["code"] as? String } == ["placeholder-left"])

        // Fill in every placeholder, as a member of staff would.
        text = text.replacingOccurrences(of: "contact_email: \"FILL IN: Contact e-mail\"", with: "contact_email: waste@testburg.example")
        text = text.replacingOccurrences(of: "personal_data: identified", with: "personal_data: none")
        text = text.replacing(/"FILL IN: [^"]*"/, with: "\"Filled in by the workflow test with enough words.\"")
        text = text.replacing(/FILL IN: [^\n]*/, with: "The long description of the smart waste bins.")
        try text.write(to: entry, atomically: true, encoding: .utf8)
        let passing = try algoreg(["validate"], in: city)
        #expect(passing.status == 0, "\(passing.stderr)")

        let built = try algoreg(["build", "--output", "Site"], in: city)
        #expect(built.status == 0, "\(built.stderr)")
        let page = try String(contentsOf: city.appendingPathComponent("Site/systems/smart-waste-bins/index.html"), encoding: .utf8)
        #expect(page.contains("Smart waste bins"))
        #expect(!page.contains("__algoreg"))   // the reload script is only added when serving
    }

    @Test func initRefusesBadFlags() throws {
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        #expect(try algoreg(["init", "a", "--languages", "English"], in: parent).status == 2)
        #expect(try algoreg(["init", "b", "--base-url", "algorithms"], in: parent).status == 2)
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("a").path))
    }

    // MARK: serve

    /// Collects a running process's output.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    func waitFor<T>(_ what: String, seconds: Double = 10, _ check: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try check() { return value }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("timed out after \(seconds) s waiting for \(what)")
        throw CancellationError()
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()

    /// A GET with a short timeout: status and body.
    func get(_ url: URL) -> (status: Int, body: String)? {
        let done = DispatchSemaphore(value: 0)
        let result = Output()
        let status = Output()
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        request.cachePolicy = .reloadIgnoringLocalCacheData
        let task = Self.session.dataTask(with: request) { data, response, _ in
            result.append(data ?? Data())
            status.append(Data(String((response as? HTTPURLResponse)?.statusCode ?? 0).utf8))
            done.signal()
        }
        task.resume()
        guard done.wait(timeout: .now() + 6) == .success, let code = Int(status.text), code != 0 else { return nil }
        return (code, result.text)
    }

    @Test func serveRebuildsOnChangeShowsErrorsAndStopsOnSigint() throws {
        let city = try initialized(languages: "en")
        defer { try? FileManager.default.removeItem(at: city.deletingLastPathComponent()) }
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the binary first: swift build")
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0"]
        process.currentDirectoryURL = city
        let stdout = Output(), stderr = Output()
        let out = Pipe(), err = Pipe()
        out.fileHandleForReading.readabilityHandler = { stdout.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { stderr.append($0.availableData) }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let port = try waitFor("the serving line") { () -> Int? in
            stdout.text.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\//).flatMap { Int($0.output.1) }
        }
        let base = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        let pageURL = base.appendingPathComponent("systems/parking-scan-cars/")
        let first = try waitFor("the first page") { get(pageURL) }
        #expect(first.status == 200)
        #expect(first.body.contains("<script src=\"/__algoreg/reload.js?v="))
        let version = try #require(get(base.appendingPathComponent("__algoreg/version")))
        #expect(get(base.appendingPathComponent("__algoreg/reload.js"))?.body.contains("location.reload()") == true)

        // A change is rebuilt and served, with a new version for the reload script.
        let entry = city.appendingPathComponent("Registry/systems/parking-scan-cars.md")
        let original = try String(contentsOf: entry, encoding: .utf8)
        try original.replacingOccurrences(of: "name: Parking scan cars", with: "name: Parking scan cars, renamed").write(to: entry, atomically: true, encoding: .utf8)
        _ = try waitFor("the rebuilt page") { get(pageURL).flatMap { $0.body.contains("Parking scan cars, renamed") ? $0 : nil } }
        #expect(get(base.appendingPathComponent("__algoreg/version"))?.body != version.body)

        // An error: every page shows the diagnostics instead of a stale page.
        try original.replacingOccurrences(of: "\nstatus: operational", with: "\nstatsu: operational").write(to: entry, atomically: true, encoding: .utf8)
        let broken = try waitFor("the error page") { get(base).flatMap { $0.status == 500 ? $0 : nil } }
        #expect(broken.body.contains("error[unknown-field]") && broken.body.contains("`statsu`"))
        #expect(get(pageURL)?.status == 500)

        // Fixing the file brings the pages back.
        try original.write(to: entry, atomically: true, encoding: .utf8)
        let fixed = try waitFor("the page after the fix") { get(pageURL).flatMap { $0.status == 200 ? $0 : nil } }
        #expect(fixed.body.contains("Parking scan cars") && !fixed.body.contains("renamed"))

        // Ctrl-C stops it cleanly.
        kill(process.processIdentifier, SIGINT)
        _ = try waitFor("serve to stop") { process.isRunning ? nil : true }
        #expect(process.terminationStatus == 0, "\(stderr.text)")
        #expect(stderr.text.contains("Stopped."))
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("algoreg-serve-\(process.processIdentifier)").path))
    }
}
