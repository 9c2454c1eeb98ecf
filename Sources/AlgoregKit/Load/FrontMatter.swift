/// A Markdown file split into its YAML front matter and its body, with the line offsets needed
/// to point at the right line of the whole file.
public struct FrontMatter: Sendable {
    public var yaml: String
    /// Number of lines before the YAML text (the opening `---`), added to YAML locations.
    public var yamlLineOffset: Int
    public var body: String
    /// Line of the file where the body starts.
    public var bodyLine: Int

    public enum SplitError: Error, Equatable {
        case missingOpening
        case unterminated
    }

    /// Front matter opens with a line `---` as the first line and closes with `---` (or `...`).
    public static func split(_ text: String) -> Result<FrontMatter, SplitError> {
        var lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingTrailingSpaces == "---" else { return .failure(.missingOpening) }
        let rest = lines.count > 1 ? lines.removeLast() : ""
        var offset = rest.startIndex
        var line = 2
        while offset < rest.endIndex {
            let end = rest[offset...].firstIndex(of: "\n") ?? rest.endIndex
            let content = rest[offset..<end].trimmingTrailingSpaces
            if content == "---" || content == "..." {
                let bodyStart = end < rest.endIndex ? rest.index(after: end) : end
                return .success(FrontMatter(
                    yaml: String(rest[rest.startIndex..<offset]),
                    yamlLineOffset: 1,
                    body: String(rest[bodyStart...]),
                    bodyLine: line + 1))
            }
            offset = end < rest.endIndex ? rest.index(after: end) : end
            line += 1
        }
        return .failure(.unterminated)
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var end = endIndex
        while end > startIndex, let previous = Optional(index(before: end)), self[previous] == " " || self[previous] == "\t" { end = previous }
        return self[startIndex..<end]
    }
}
