import Foundation

/// `algoreg init <folder>`: a new city's repository. Everything it writes travels inside the
/// binary (`EmbeddedDefaults`), so it works from a copied `algoreg` alone.
public enum RegisterInit {
    public struct Options: Sendable {
        public var folder: String
        public var name: String
        public var languages: [String]
        public var baseURL: String

        public init(folder: String, name: String = "City of Example", languages: [String] = ["en"],
                    baseURL: String = "https://algorithms.example.org") {
            self.folder = folder
            self.name = name
            self.languages = languages
            self.baseURL = baseURL
        }
    }

    /// The embedded files by repository path (`Registry/schema.yaml`, `Templates/...`).
    public static var embeddedFiles: [String: Data] {
        Dictionary(uniqueKeysWithValues: EmbeddedDefaults.files.map { file in
            (file.path, Data(base64Encoded: file.base64, options: .ignoreUnknownCharacters) ?? Data())
        })
    }

    /// Checks the flags: exit code 2 when one is unusable.
    public static func check(_ options: Options) throws(WorkflowError) {
        if options.name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw WorkflowError("`--name` is empty.", exitCode: 2)
        }
        if options.languages.isEmpty {
            throw WorkflowError("`--languages` lists no language; use e.g. `--languages en,nl` (the default language first).", exitCode: 2)
        }
        for language in options.languages where language.wholeMatch(of: /[a-z]{2,3}(-[A-Za-z0-9]+)?/) == nil {
            throw WorkflowError("`\(language)` is not a language code; use codes such as en, nl, fi, sv.", exitCode: 2)
        }
        if Set(options.languages).count != options.languages.count {
            throw WorkflowError("`--languages` lists a language twice.", exitCode: 2)
        }
        guard options.baseURL.wholeMatch(of: /https?:\/\/[^\s\/]+(\/\S*)?/) != nil else {
            throw WorkflowError("`\(options.baseURL)` is not a web address; use e.g. `--base-url https://algorithms.example.org`.", exitCode: 2)
        }
    }

    /// Every file `init` writes, by path relative to the folder.
    public static func files(_ options: Options) -> [(path: String, contents: Data)] {
        let embedded = embeddedFiles
        var files: [(String, Data)] = []
        func text(_ path: String, _ content: String) { files.append((path, Data(content.utf8))) }
        text("Registry/register.yaml", settings(options))
        if let schema = embedded["Registry/schema.yaml"].flatMap({ String(data: $0, encoding: .utf8) }) {
            text("Registry/schema.yaml", schema
                .replacingOccurrences(of: "# Entry schema of the Veldhaven algorithm register.", with: "# Entry schema of the \(oneLine(options.name)) algorithm register.")
                .replacingOccurrences(of: "used by the City of Veldhaven.", with: "used by \(oneLine(options.name))."))
        }
        text("Registry/about.md", about(options))
        if let example = embedded["Registry/systems/parking-scan-cars.md"] {
            files.append(("Registry/systems/parking-scan-cars.md", example))
        }
        if options.languages.contains("nl"), let translation = embedded["Registry/systems/parking-scan-cars.nl.md"] {
            files.append(("Registry/systems/parking-scan-cars.nl.md", translation))
        }
        for (path, data) in embedded.sorted(by: { $0.key < $1.key }) where path.hasPrefix("Templates/") {
            files.append((path, data))
        }
        text(".github/workflows/algoreg.yml", CIRecipes.github)
        text(".gitlab-ci.yml", CIRecipes.gitlab)
        text("README.md", readme(options))
        text(".gitignore", "# Built by `algoreg build`; published by CI.\n/Site/\n/public/\n# What validate and build keep between runs (it holds private fields too).\n.algoreg-cache/\n# Swift build products, if Algoreg is built here.\n.build/\n")
        return files.map { (path: $0.0, contents: $0.1) }
    }

    /// Writes the files; refuses (exit 2) when any of them exists, listing them, and writes nothing then.
    @discardableResult
    public static func run(_ options: Options) throws(WorkflowError) -> [String] {
        try check(options)
        let root = URL(fileURLWithPath: options.folder)
        let files = files(options)
        let fileManager = FileManager.default
        let existing = files.map(\.path).filter { fileManager.fileExists(atPath: root.appendingPathComponent($0).path) }
        if !existing.isEmpty {
            let shown = existing.prefix(10).map { "  \(options.folder)/\($0)" }.joined(separator: "\n")
            throw WorkflowError("`\(options.folder)` already has files that `init` would write; nothing was changed:\n\(shown)\(existing.count > 10 ? "\n  ... and \(existing.count - 10) more" : "")", exitCode: 2)
        }
        do {
            for file in files {
                let url = root.appendingPathComponent(file.path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.contents.write(to: url, options: .withoutOverwriting)
            }
        } catch {
            throw WorkflowError("Cannot write into `\(options.folder)`: \(error.localizedDescription)", exitCode: 2)
        }
        return files.map(\.path)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static let departmentNames = ["en": "Mobility and Public Space", "nl": "Mobiliteit en Openbare Ruimte",
                                  "fi": "Liikenne ja julkinen tila", "sv": "Trafik och offentliga rum"]

    static func settings(_ options: Options) -> String {
        let name = NewEntry.quoted(oneLine(options.name))
        let department = options.languages.map { "      \($0): \(departmentNames[$0] ?? departmentNames["en"]!)" }.joined(separator: "\n")
        return """
        # Settings of the algorithm register. See the README for every setting.
        organization: \(name)              # or one name per language: {en: ..., nl: ...}
        base_url: \(options.baseURL)   # where Site/ is published
        languages: [\(options.languages.joined(separator: ", "))]                # the default language first
        # contact:
        #   email: algorithms@example.org
        #   feedback_url: https://example.org/feedback
        departments:
          # id -> name per language. Entries name their department by id (`department: mobility`).
          # Replace this example with your own departments.
          mobility:
            name:
        \(department)
        max_file_size: 1MB

        """
    }

    static func about(_ options: Options) -> String {
        """
        ---
        title: About the algorithm register
        ---
        \(oneLine(options.name)) uses algorithms and artificial intelligence (AI) in its work. Some
        of these systems affect residents directly. You have a right to know which systems are used,
        why, how they work and who is responsible.

        This register describes them, following the
        [Eurocities Algorithmic Transparency Standard](https://www.algorithmregister.org/).

        Every description names the team responsible for the system. The register is updated
        whenever a system changes.

        """
    }

    static func readme(_ options: Options) -> String {
        let name = oneLine(options.name)
        return """
        # \(name): algorithm register

        This repository publishes the register of algorithms and AI systems of \(name) with
        Algoreg. One Markdown file per system in `Registry/systems/`;
        CI checks every change and publishes the portal in `Site/` to \(options.baseURL).

        ## Add a system

        ```sh
        algoreg new "Name of the system" --department mobility
        ```

        This writes `Registry/systems/<id>.md` with every field of the schema. Replace each
        `FILL IN: ...` text (the comment above each field says what is asked; optional fields are
        commented out), then check it:

        ```sh
        algoreg validate          # every problem at its file and line; `algoreg explain <code>` says more
        algoreg serve             # preview on http://127.0.0.1:8000/, reloads when you save
        ```

        Open a pull (merge) request: CI validates it and marks problems on the changed lines. When
        it is merged into `main`, CI builds the portal and publishes it.

        ## Files

        ```
        Registry/register.yaml    settings: organisation, base URL, languages, departments
        Registry/schema.yaml      the fields of an entry (JSON Schema with help texts)
        Registry/about.md         the about page
        Registry/systems/*.md     one file per system (parking-scan-cars.md is an example: replace it)
        Templates/                the portal's look (Mustache templates, styles, texts per language)
        .github/workflows/algoreg.yml, .gitlab-ci.yml   CI: validate requests, publish main
        ```

        ## CI

        Both recipes build Algoreg from its source repository. Set the CI variable `ALGOREG_GIT`
        to its git URL (and `ALGOREG_REF` to a tag or branch; default `main`). On GitHub, enable
        Pages with "GitHub Actions" as the source; on GitLab, Pages is published from the
        `pages` job.

        """
    }
}
