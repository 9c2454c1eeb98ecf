import Foundation

/// `algoreg serve` without the HTTP server: builds the register into a scratch folder, notices
/// changes in the register and the templates, rebuilds, and answers requests for paths. The
/// HTTP layer (in the `algoreg` executable) only passes paths in and responses out.
public final class LivePreview: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: Data
        /// Set for redirects.
        public var location: String?
    }

    public enum State: Sendable {
        case built(pages: Int, seconds: Double)
        case failed([Diagnostic], text: String)
    }

    public static let reloadScriptPath = "/__algoreg/reload.js"
    public static let versionPath = "/__algoreg/version"

    public let registry: String
    public let templates: String
    public let output: URL
    public let includeDrafts: Bool
    /// Rebuilds render only the systems whose page inputs changed.
    public let renderCache = RenderCache()

    private let lock = NSLock()
    /// Held while building and while answering, so an answer never mixes a new page with an old version.
    private let buildLock = NSLock()
    private var _state: State = .failed([], text: "Not built yet.")
    private var _version = 0
    private var lastSnapshot: [String: Snapshot] = [:]

    struct Snapshot: Equatable {
        var modified: Date?
        var size: Int?
    }

    public init(registry: String, templates: String, output: URL, includeDrafts: Bool = true) {
        self.registry = registry
        self.templates = templates
        self.output = output
        self.includeDrafts = includeDrafts
    }

    public var version: Int { lock.withLock { _version } }
    public var state: State { lock.withLock { _state } }

    /// Builds now, whatever changed. Returns the new state.
    @discardableResult
    public func rebuild() -> State {
        buildLock.lock()
        defer { buildLock.unlock() }
        let snapshot = takeSnapshot()
        let started = Date()
        let result = SiteBuilder.build(SiteBuilder.Options(registry: registry, templates: templates, output: output.path,
                                                           includeDrafts: includeDrafts,
                                                           validation: ValidationOptions(reusesParsedFiles: true), cache: renderCache))
        let state: State
        if result.succeeded && !result.diagnostics.hasErrors {
            state = .built(pages: result.pages, seconds: Date().timeIntervalSince(started))
        } else {
            let text = DiagnosticPrinter.render(result.diagnostics, format: .text, checkedFiles: result.checkedFiles)
            state = .failed(result.diagnostics, text: text)
        }
        lock.withLock {
            lastSnapshot = snapshot
            _state = state
            _version += 1
        }
        return state
    }

    /// Rebuilds when a file under the register or the templates was added, removed or changed
    /// since the last build (modification time and size). Returns the new state, or nil.
    public func rebuildIfChanged() -> State? {
        let snapshot = takeSnapshot()
        let changed = lock.withLock { snapshot != lastSnapshot }
        return changed ? rebuild() : nil
    }

    func takeSnapshot() -> [String: Snapshot] {
        var result: [String: Snapshot] = [:]
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]
        for folder in [registry, templates] {
            let root = URL(fileURLWithPath: folder)
            guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else { continue }
            for case let url as URL in enumerator {
                let values = try? url.resourceValues(forKeys: Set(keys))
                guard values?.isRegularFile == true else { continue }
                result[url.path] = Snapshot(modified: values?.contentModificationDate, size: values?.fileSize)
            }
        }
        return result
    }

    /// The response for a request path such as `/`, `/nl/systems/x/`, `/assets/style.css`.
    public func response(for requestPath: String) -> Response {
        buildLock.lock()
        defer { buildLock.unlock() }
        let path = requestPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let (state, version) = lock.withLock { (_state, _version) }
        if path == Self.versionPath {
            return Response(status: 200, contentType: "text/plain; charset=utf-8", body: Data(String(version).utf8))
        }
        if path == Self.reloadScriptPath {
            return Response(status: 200, contentType: "text/javascript; charset=utf-8", body: Data(Self.reloadScript.utf8))
        }
        let decoded = path.removingPercentEncoding ?? path
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) {
            return notFound(state: state, version: version)
        }
        var file = output
        for part in parts { file.appendPathComponent(String(part)) }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder)
        if exists && isFolder.boolValue && !decoded.hasSuffix("/") {
            return Response(status: 301, contentType: "text/plain; charset=utf-8", body: Data(), location: path + "/")
        }
        if isFolder.boolValue { file.appendPathComponent("index.html") }
        let isPage = file.pathExtension == "html" || file.pathExtension.isEmpty
        if case .failed(_, let text) = state, isPage {
            return Response(status: 500, contentType: "text/html; charset=utf-8", body: Data(Self.errorPage(text, version: version).utf8))
        }
        guard let data = FileManager.default.contents(atPath: file.path), !isFolderPath(file) else {
            return notFound(state: state, version: version)
        }
        let type = Self.contentType(file.pathExtension)
        let body = type.hasPrefix("text/html") ? Self.inject(data, version: version) : data
        return Response(status: 200, contentType: type, body: body)
    }

    private func isFolderPath(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }

    private func notFound(state: State, version: Int) -> Response {
        let page = output.appendingPathComponent("404.html")
        let body = FileManager.default.contents(atPath: page.path).map { Self.inject($0, version: version) }
            ?? Data("Not found.".utf8)
        return Response(status: 404, contentType: "text/html; charset=utf-8", body: body)
    }

    /// Adds the reload script to a served page (never to the built files).
    static func inject(_ html: Data, version: Int) -> Data {
        guard var text = String(data: html, encoding: .utf8) else { return html }
        let tag = "<script src=\"\(reloadScriptPath)?v=\(version)\" defer></script>"
        if let range = text.range(of: "</head>", options: .caseInsensitive) {
            text.insert(contentsOf: tag, at: range.lowerBound)
        } else {
            text += tag
        }
        return Data(text.utf8)
    }

    /// Polls the build version and reloads the page when it changes. Same origin, so the
    /// pages' `default-src 'self'` allows it.
    static let reloadScript = """
        (function () {
          var script = document.currentScript;
          var seen = script ? new URL(script.src).searchParams.get("v") : null;
          function poll() {
            fetch("\(versionPath)", {cache: "no-store"})
              .then(function (r) { return r.text(); })
              .then(function (v) {
                if (seen !== null && v !== seen) { location.reload(); return; }
                seen = v;
                setTimeout(poll, 400);
              })
              .catch(function () { setTimeout(poll, 1000); });
          }
          poll();
        })();

        """

    static func errorPage(_ diagnosticsText: String, version: Int) -> String {
        let count = diagnosticsText.split(separator: "\n").last.map(String.init) ?? ""
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>The register has errors — algoreg serve</title>
        <style>
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
        header { background: #b00020; color: #fff; padding: 1rem 2rem; }
        header h1 { margin: 0; font-size: 1.4rem; }
        main { padding: 1rem 2rem; }
        pre { background: #f6f6f6; border: 1px solid #ddd; padding: 1rem; overflow-x: auto; font: 14px/1.45 ui-monospace, monospace; white-space: pre-wrap; }
        </style>
        <script src="\(reloadScriptPath)?v=\(version)" defer></script>
        </head>
        <body>
        <header><h1>The register has errors; the site was not rebuilt</h1></header>
        <main>
        <p>\(HTML.escape(count))</p>
        <p>Fix these problems and save the file: this page reloads by itself. Run <code>algoreg explain &lt;code&gt;</code> for what a code means.</p>
        <pre>\(HTML.escape(diagnosticsText))</pre>
        </main>
        </body>
        </html>

        """
    }

    static func contentType(_ pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html", "": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "csv": return "text/csv; charset=utf-8"
        case "xml": return "application/xml"
        case "atom": return "application/atom+xml"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
