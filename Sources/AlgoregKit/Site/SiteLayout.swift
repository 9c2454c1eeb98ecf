/// Where each page and file of the portal lives. The default language sits at the site root,
/// other languages under `<code>/`; pages are folders with an `index.html` (clean URLs).
struct SiteLayout: Sendable {
    var languages: [String]
    var baseURL: String

    var defaultLanguage: String { languages.first ?? "en" }

    /// Folder of a language's pages: "" for the default language, "nl/" for Dutch.
    func prefix(_ language: String) -> String { path("", language: language) }

    /// Page paths relative to a language's folder, ending in "/" ("" is the home page).
    /// The page path of the folder that holds every system's page (and nothing else).
    static let systems = "systems/"
    static func system(_ id: String) -> String { "\(systems)\(id)/" }
    static func department(_ id: String) -> String { "departments/\(id)/" }
    static let departments = "departments/"
    static let about = "about/"
    static let notFound = "404.html"
    static let reports = "reports/"
    static func report(_ year: Int) -> String { "reports/\(year)/" }
    static func filter(_ facet: String, _ value: String) -> String { "filter/\(facet)/\(RegisterLoader.slug(value))/" }

    /// The path of a page in a language, relative to the site root ("nl/systems/x/").
    func path(_ page: String, language: String) -> String { language == defaultLanguage ? page : "\(language)/\(page)" }

    /// The file to write for a page path.
    static func file(for path: String) -> String { "\(path)index.html" }

    /// The folder of a page path ("systems/x/" -> "systems/x"). By bytes: dropping the last
    /// character of the text walked its grapheme clusters, 20,000 times a rebuild.
    static func folder(for path: String) -> String { String(decoding: path.utf8.dropLast(), as: UTF8.self) }

    /// How to get from the page at `from` back to the site root ("../../").
    static func root(from path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count)
    }

    func absolute(_ path: String) -> String { "\(baseURL)/\(path)" }
}
