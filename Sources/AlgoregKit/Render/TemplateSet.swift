import Foundation
import Mustache

/// The portal's look, read from `Templates/`: Mustache pages and partials, the assets copied
/// as they are, and the UI strings per language.
public struct TemplateSet: Sendable {
    public var folder: URL
    public var displayFolder: String
    var library: MustacheLibrary
    /// Page templates by name, e.g. `home`, `system`.
    var pageNames: Set<String>
    /// UI strings per language code: flat `key: text`, plus `values` (labels of enum values).
    var strings: [String: Value]
    /// Files under `assets/`, relative paths.
    var assets: [String]
    /// A hash of every template and UI string, so cached pages are reused only with them unchanged.
    var fingerprint: String

    static let requiredPages = ["home", "system", "department", "departments", "filter", "about", "notfound"]
    /// Needed only by registers that publish annual reports.
    static let reportPage = "report"

    /// Loads and checks the templates; every problem is a diagnostic with file and line.
    public static func load(_ path: String, withReports: Bool = false) -> (TemplateSet?, [Diagnostic]) {
        let folder = URL(fileURLWithPath: path).standardizedFileURL
        let display = path.hasSuffix("/") ? String(path.dropLast()) : path
        var problems: [Diagnostic] = []
        var library = MustacheLibrary()
        var names: [String: (file: String, text: String)] = [:]
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: folder.path) else {
            return (nil, [Diagnostic(file: display, location: nil, code: .templateError,
                message: "The templates folder `\(display)` does not exist.",
                fix: "Run Algoreg from the folder that contains `Templates/`, or pass `--templates <folder>`.")])
        }
        for subfolder in ["layout", "partials"] {
            let url = folder.appendingPathComponent(subfolder)
            let files = ((try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".mustache") }.sorted()
            for file in files {
                let displayPath = "\(display)/\(subfolder)/\(file)"
                guard let text = try? String(contentsOf: url.appendingPathComponent(file), encoding: .utf8) else {
                    problems.append(Diagnostic(file: displayPath, location: nil, code: .templateError, message: "The template cannot be read as UTF-8 text.", fix: nil))
                    continue
                }
                let name = "\(subfolder)/\(file.dropLast(".mustache".count))"
                do {
                    library.register(try MustacheTemplate(string: text), named: name)
                    names[name] = (displayPath, text)
                } catch let error as MustacheTemplate.ParserError {
                    problems.append(Diagnostic(file: displayPath, location: SourceLocation(line: error.context.lineNumber, column: max(1, error.context.columnNumber)),
                        code: .templateError, message: "The template cannot be read: \(describe(error.error)).",
                        fix: "Check that every `{{#section}}` and `{{^section}}` is closed by `{{/section}}` with the same name, and every tag by `}}`."))
                } catch {
                    problems.append(Diagnostic(file: displayPath, location: nil, code: .templateError, message: "The template cannot be read: \(error).", fix: nil))
                }
            }
        }
        // Partials that do not exist render as nothing in Mustache; we call that an error.
        for (_, template) in names.sorted(by: { $0.key < $1.key }) {
            var lineNumber = 0
            for line in template.text.split(separator: "\n", omittingEmptySubsequences: false) {
                lineNumber += 1
                for match in line.matches(of: /\{\{\s*[>]\s*([^\s}]+)\s*\}\}/) {
                    let partial = String(match.output.1)
                    if names[partial] == nil {
                        let column = line.distance(from: line.startIndex, to: match.range.lowerBound) + 1
                        problems.append(Diagnostic(file: template.file, location: SourceLocation(line: lineNumber, column: column), code: .templateError,
                            message: "The partial `\(partial)` does not exist.",
                            fix: (Suggest.closest(to: partial, in: Array(names.keys)).map { "Did you mean `\($0)`? " } ?? "")
                                + "Partials are named by their path under the templates folder, without `.mustache`."))
                    }
                }
            }
        }
        let pages = Set(names.keys.filter { $0.hasPrefix("layout/") }.map { String($0.dropFirst("layout/".count)) })
        for page in requiredPages + (withReports ? [reportPage] : []) where !pages.contains(page) {
            problems.append(Diagnostic(file: "\(display)/layout/\(page).mustache", location: nil, code: .templateError,
                message: "The page template `layout/\(page).mustache` is missing.", fix: "Copy it from the default templates (`algoreg init`)."))
        }
        // UI strings.
        var strings: [String: Value] = [:]
        let stringsFolder = folder.appendingPathComponent("strings")
        for file in ((try? fileManager.contentsOfDirectory(atPath: stringsFolder.path)) ?? []).sorted() where file.hasSuffix(".yaml") {
            let displayPath = "\(display)/strings/\(file)"
            guard let text = try? String(contentsOf: stringsFolder.appendingPathComponent(file), encoding: .utf8) else { continue }
            let (value, yamlProblems) = YAMLLoader.load(text)
            problems += yamlProblems.map { $0.diagnostic(in: displayPath) }
            if let value, value.object != nil { strings[String(file.dropLast(5))] = value }
        }
        let assetsFolder = folder.appendingPathComponent("assets")
        var assets: [String] = []
        if let enumerator = fileManager.enumerator(atPath: assetsFolder.path) {
            for case let relative as String in enumerator {
                var isFolder: ObjCBool = false
                if fileManager.fileExists(atPath: assetsFolder.appendingPathComponent(relative).path, isDirectory: &isFolder), !isFolder.boolValue, !relative.hasPrefix(".") {
                    assets.append(relative)
                }
            }
        }
        guard !problems.contains(where: { $0.severity == .error }) else { return (nil, problems) }
        let fingerprint = StableHash.hex(names.keys.sorted().map { "\($0)\u{1}\(names[$0]!.text)" }.joined(separator: "\u{2}")
            + strings.keys.sorted().map { "\($0)\u{1}\(strings[$0]!.jsonText(pretty: false))" }.joined(separator: "\u{2}"))
        return (TemplateSet(folder: folder, displayFolder: display, library: library, pageNames: pages, strings: strings,
                            assets: assets.sorted(), fingerprint: fingerprint), problems)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case MustacheTemplate.Error.unfinishedName: return "a tag is not finished with `}}`"
        case MustacheTemplate.Error.expectedSectionEnd: return "a section is opened but never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: return "a set-delimiter tag is malformed"
        default: return "\(error)"
        }
    }

    func render(page: String, context: [String: Any]) -> String {
        library.render(context, withTemplate: "layout/\(page)") ?? ""
    }

    /// Renders a partial on its own (e.g. `partials/card`), or "" when the set has none.
    func render(partial: String, context: [String: Any]) -> String {
        library.render(context, withTemplate: partial) ?? ""
    }

    /// UI strings of a language as a Mustache context, falling back key by key to English
    /// and then to the register's default language.
    func uiStrings(_ language: String, fallback: String) -> [String: Any] {
        var merged: [String: Any] = [:]
        for code in ["en", fallback, language] {
            for member in strings[code]?.object?.members ?? [] where member.key != "values" {
                if let text = member.value.string { merged[member.key] = text }
            }
        }
        return merged
    }

    /// Display label of an enum value, e.g. status `operational` -> "In use".
    func valueLabel(field: String, value: String, language: String, fallback: String) -> String {
        for code in [language, fallback, "en"] {
            if let label = strings[code]?["values"]?[field]?[value]?.string { return label }
        }
        return value
    }

    func languageName(_ code: String) -> String {
        strings[code]?["language_name"]?.string ?? code
    }
}
