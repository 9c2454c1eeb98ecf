import Foundation

/// The portal's look, read from `Templates/`: Mustache pages and partials, the assets copied
/// as they are, and the UI strings per language.
public struct TemplateSet: Sendable {
    public var folder: URL
    public var displayFolder: String
    /// Parsed templates by name: `layout/home`, `partials/card`.
    var library: [String: MustacheTemplate]
    /// Page templates by name, e.g. `home`, `system`.
    var pageNames: Set<String>
    /// UI strings per language code: flat `key: text`, plus `values` (labels of enum values).
    var strings: [String: Value]
    /// `values` of each language's strings (language -> field -> value -> label), read once.
    var valueLabels: [String: [String: [String: String]]]
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
        let display = RegisterLayout.displayRoot(path)
        var problems: [Diagnostic] = []
        var library: [String: MustacheTemplate] = [:]
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
                do throws(MustacheTemplate.SyntaxError) {
                    library[name] = try MustacheTemplate(text)
                    names[name] = (displayPath, text)
                } catch {
                    problems.append(Diagnostic(file: displayPath, location: SourceLocation(line: error.line, column: error.column),
                        code: .templateError, message: "The template cannot be read: \(error.message).",
                        fix: "Check that every `{{#section}}` and `{{^section}}` is closed by `{{/section}}` with the same name, and every tag by `}}`."))
                }
            }
        }
        // Partials that do not exist render as nothing in Mustache; we call that an error.
        for (name, template) in library.sorted(by: { $0.key < $1.key }) {
            for partial in template.partials where library[partial.name] == nil {
                problems.append(Diagnostic(file: names[name]!.file, location: SourceLocation(line: partial.line, column: partial.column), code: .templateError,
                    message: "The partial `\(partial.name)` does not exist.",
                    fix: (Suggest.closest(to: partial.name, in: Array(names.keys)).map { "Did you mean `\($0)`? " } ?? "")
                        + "Partials are named by their path under the templates folder, without `.mustache`."))
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
        let valueLabels = strings.mapValues { language in
            (language["values"]?.object?.members ?? []).reduce(into: [String: [String: String]]()) { fields, field in
                fields[field.key] = (field.value.object?.members ?? []).reduce(into: [String: String]()) { labels, label in
                    if let text = label.value.string { labels[label.key] = text }
                }
            }
        }
        return (TemplateSet(folder: folder, displayFolder: display, library: library, pageNames: pages, strings: strings, valueLabels: valueLabels,
                            assets: assets.sorted(), fingerprint: fingerprint), problems)
    }

    /// Renders `layout/<page>`; `root` is the page's relative path to the site root.
    func render(page: String, context: TemplateValue, root: String) -> [UInt8] {
        render(partial: "layout/\(page)", context: context, root: root)
    }

    /// Renders one template on its own (e.g. `partials/card`), or nothing when the set has none.
    func render(partial: String, context: TemplateValue, root: String) -> [UInt8] {
        guard let template = library[partial] else { return [] }
        return MustacheRenderer.render(template, context: context, templates: library, root: root)
    }

    /// UI strings of a language as a Mustache context, falling back key by key to English
    /// and then to the register's default language.
    func uiStrings(_ language: String, fallback: String) -> [String: String] {
        var merged: [String: String] = [:]
        for code in ["en", fallback, language] {
            for member in strings[code]?.object?.members ?? [] where member.key != "values" {
                if let text = member.value.string { merged[member.key] = text }
            }
        }
        return merged
    }

    /// Display label of an enum value, e.g. status `operational` -> "In use".
    func valueLabel(field: String, value: String, language: String, fallback: String) -> String {
        // No array of the three codes: this runs for every enumerated value on every page.
        valueLabels[language]?[field]?[value] ?? valueLabels[fallback]?[field]?[value] ?? valueLabels["en"]?[field]?[value] ?? value
    }

    func languageName(_ code: String) -> String {
        strings[code]?["language_name"]?.string ?? code
    }
}
