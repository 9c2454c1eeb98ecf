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
    /// Works on the UTF-8 bytes: line endings are already `\n` (SourceFile normalises them).
    public static func split(_ text: String) -> Result<FrontMatter, SplitError> {
        var text = text
        return text.withUTF8 { bytes -> Result<FrontMatter, SplitError> in
            /// The line from `start` without trailing spaces or tabs, and where the next line starts.
            func line(at start: Int) -> (content: UnsafeBufferPointer<UInt8>, next: Int) {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                var trimmed = end
                while trimmed > start, bytes[trimmed - 1] == UInt8(ascii: " ") || bytes[trimmed - 1] == UInt8(ascii: "\t") { trimmed -= 1 }
                return (UnsafeBufferPointer(rebasing: bytes[start..<trimmed]), min(end + 1, bytes.count))
            }
            func isFence(_ content: UnsafeBufferPointer<UInt8>, _ mark: UInt8) -> Bool {
                content.count == 3 && content.allSatisfy { $0 == mark }
            }
            let first = line(at: 0)
            guard isFence(first.content, UInt8(ascii: "-")) else { return .failure(.missingOpening) }
            let yamlStart = first.next
            var offset = yamlStart
            var lineNumber = 2
            while offset < bytes.count {
                let current = line(at: offset)
                if isFence(current.content, UInt8(ascii: "-")) || isFence(current.content, UInt8(ascii: ".")) {
                    return .success(FrontMatter(
                        yaml: String(decoding: UnsafeBufferPointer(rebasing: bytes[yamlStart..<offset]), as: UTF8.self),
                        yamlLineOffset: 1,
                        body: String(decoding: UnsafeBufferPointer(rebasing: bytes[current.next...]), as: UTF8.self),
                        bodyLine: lineNumber + 1))
                }
                offset = current.next
                lineNumber += 1
            }
            return .failure(.unterminated)
        }
    }
}
