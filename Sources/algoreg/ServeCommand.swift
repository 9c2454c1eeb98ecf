import AlgoregKit
import ArgumentParser
import FlyingFox
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the portal on 127.0.0.1: rebuilds when a file changes and reloads the page.")

    @Option(name: .long, help: "The port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 8000

    @Option(name: .long, help: "The register folder.")
    var registry: String = "Registry"

    @Option(name: .long, help: "The templates folder.")
    var templates: String = "Templates"

    @Flag(name: .long, help: "Also show entries marked `draft: true`.")
    var includeDrafts = false

    func run() throws {
        // A scratch folder, never the user's Site/.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("algoreg-serve-\(getpid())")
        try? FileManager.default.removeItem(at: output)
        defer { try? FileManager.default.removeItem(at: output) }

        let preview = LivePreview(registry: registry, templates: templates, output: output, includeDrafts: includeDrafts)
        Self.log(preview.rebuild())

        let address: sockaddr_in
        do { address = try .inet(ip4: "127.0.0.1", port: port) } catch {
            throw ValidationError("Cannot use port \(port): \(error)")
        }
        let server = HTTPServer(address: address, timeout: 30, logger: .disabled, handler: PreviewHandler(preview: preview))
        let finished = DispatchSemaphore(value: 0)
        let failure = Failure()
        let serverTask = Task {
            do { try await server.run() } catch is CancellationError {} catch {
                // Closing the socket on Ctrl-C ends `run` with an error too; only others count.
                if !failure.isStopping { failure.set(error) }
            }
            finished.signal()
        }
        Task {
            do {
                try await server.waitUntilListening(timeout: 10)
                if case .ip4(_, let actual)? = await server.listeningAddress {
                    Self.say("Serving http://127.0.0.1:\(actual)/ (watching \(registry)/ and \(templates)/; Ctrl-C stops)\n", to: .standardOutput)
                }
            } catch {}
        }

        // Watch by polling modification times: portable, and cheap for a register's few files.
        let watchQueue = DispatchQueue(label: "algoreg.serve.watch")
        let timer = DispatchSource.makeTimerSource(queue: watchQueue)
        timer.schedule(deadline: .now() + .milliseconds(300), repeating: .milliseconds(300))
        timer.setEventHandler { if let state = preview.rebuildIfChanged() { Self.log(state) } }
        timer.resume()

        // Ctrl-C (and SIGTERM): stop listening, finish, clean up.
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Self.say("\nStopping.\n", to: .standardError)
                failure.isStopping = true
                Task { await server.stop(timeout: 1); serverTask.cancel() }
                // Never hang on a slow connection.
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { finished.signal() }
            }
            source.resume()
            sources.append(source)
        }
        finished.wait()
        timer.cancel()
        sources.forEach { $0.cancel() }
        if let error = failure.get() {
            throw ValidationError("Cannot serve on 127.0.0.1:\(port): \(error.localizedDescription)")
        }
        Self.say("Stopped.\n", to: .standardError)
    }

    static func log(_ state: LivePreview.State) {
        switch state {
        case .built(let pages, let seconds):
            say("Built \(pages) pages in \(String(format: "%.2f", seconds)) s.\n", to: .standardError)
        case .failed(let diagnostics, let text):
            say(text, to: .standardError)
            say("The register has \(diagnostics.errorCount) error(s); the browser shows them until they are fixed.\n", to: .standardError)
        }
    }

    enum Stream { case standardOutput, standardError }

    static func say(_ text: String, to stream: Stream) {
        (stream == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
    }
}

/// Passes each request's path to the preview and its answer back.
struct PreviewHandler: HTTPHandler {
    let preview: LivePreview

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(statusCode: .methodNotAllowed)
        }
        // The raw target: FlyingFox's `path` drops the trailing slash that relative links need.
        let answer = preview.response(for: request.target.path(percentEncoded: true))
        var headers: HTTPHeaders = [.contentType: answer.contentType, .cacheControl: "no-store"]
        if let location = answer.location { headers[.location] = location }
        let status = HTTPStatusCode(answer.status, phrase: Self.phrase(answer.status))
        return HTTPResponse(statusCode: status, headers: headers, body: request.method == .HEAD ? Data() : answer.body)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 404: return "Not Found"
        default: return "Internal Server Error"
        }
    }
}

/// The server task's error, read after it finished.
final class Failure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    private var stopping = false
    var isStopping: Bool {
        get { lock.withLock { stopping } }
        set { lock.withLock { stopping = newValue } }
    }
    func set(_ error: Error) { lock.withLock { self.error = error } }
    func get() -> Error? { lock.withLock { error } }
}
