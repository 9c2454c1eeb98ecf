/// A parsed Mustache template: text, variables, sections and partials, following the Mustache
/// spec's rules for tags alone on their line (the line disappears; a partial's indentation is
/// kept for every line it writes). Lambdas and template inheritance are not supported: a city's
/// templates have no code to run.
struct MustacheTemplate: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (as it is). An empty path is `.`.
        case variable(path: [TemplateName], escaped: Bool)
        case section(path: [TemplateName], inverted: Bool, children: [Node])
        case partial(name: String, indentation: [UInt8])
    }

    struct SyntaxError: Error, Sendable, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// A partial tag, where it is, so a missing partial is reported at its line.
    struct PartialReference: Sendable {
        var name: String
        var line: Int
        var column: Int
    }

    var nodes: [Node]
    var partials: [PartialReference]
    /// The nodes compiled for the renderer.
    var program: MustacheProgram

    init(_ text: String) throws(SyntaxError) {
        var parser = Parser(Array(text.utf8))
        nodes = try parser.parse()
        partials = parser.partials
        program = MustacheProgram(nodes)
    }
}

private struct Parser {
    let bytes: [UInt8]
    var position = 0
    var open: [UInt8] = Array("{{".utf8)
    var close: [UInt8] = Array("}}".utf8)
    var partials: [MustacheTemplate.PartialReference] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// An open section: its name, where it opened, and the nodes collected so far outside it.
    struct OpenSection {
        var name: String
        var path: [TemplateName]
        var inverted: Bool
        var line: Int
        var column: Int
        var outer: [MustacheTemplate.Node]
    }

    mutating func parse() throws(MustacheTemplate.SyntaxError) -> [MustacheTemplate.Node] {
        var nodes: [MustacheTemplate.Node] = []
        var text: [UInt8] = []
        var sections: [OpenSection] = []
        func flush() {
            if !text.isEmpty { nodes.append(.text(text)); text = [] }
        }
        while position < bytes.count {
            guard matches(open, at: position) else {
                text.append(bytes[position])
                position += 1
                continue
            }
            let tagStart = position
            let (line, column) = lineAndColumn(of: tagStart)
            var cursor = tagStart + open.count
            var sigil: UInt8 = 0
            if cursor < bytes.count, "#^/!>&{=<$*".utf8.contains(bytes[cursor]) {
                sigil = bytes[cursor]
                cursor += 1
            }
            // The tag's end: `}}`, or `}}}` for a triple mustache, or `=}}` for new delimiters.
            let ending = sigil == UInt8(ascii: "{") ? [UInt8(ascii: "}")] + close : sigil == UInt8(ascii: "=") ? [UInt8(ascii: "=")] + close : close
            guard let end = find(ending, from: cursor) else {
                throw .init(line: line, column: column, message: "a tag is not finished with `\(String(decoding: close, as: UTF8.self))`")
            }
            let content = String(decoding: bytes[cursor..<end], as: UTF8.self).trimmed
            let tagEnd = end + ending.count
            let standaloneKinds = "#^/!>=".utf8
            var standalone: (lineStart: Int, next: Int)?
            if sigil != 0, standaloneKinds.contains(sigil) {
                standalone = standaloneLine(tagStart: tagStart, tagEnd: tagEnd)
            }
            var indentation: [UInt8] = []
            if let standalone {
                // The whitespace before the tag belongs to the removed line (a partial indents with it).
                indentation = Array(bytes[standalone.lineStart..<tagStart])
                text.removeLast(tagStart - standalone.lineStart)
                position = standalone.next
            } else {
                position = tagEnd
            }
            switch sigil {
            case UInt8(ascii: "!"):
                continue
            case UInt8(ascii: "="):
                let parts = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                    throw .init(line: line, column: column, message: "a set-delimiter tag is malformed (write it as `{{=<% %>=}}`)")
                }
                open = Array(parts[0].utf8)
                close = Array(parts[1].utf8)
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                flush()
                sections.append(OpenSection(name: content, path: try path(content, line: line, column: column), inverted: sigil == UInt8(ascii: "^"),
                                            line: line, column: column, outer: nodes))
                nodes = []
            case UInt8(ascii: "/"):
                flush()
                guard let section = sections.popLast() else {
                    throw .init(line: line, column: column, message: "the section `\(content)` is closed but was never opened")
                }
                guard section.name == content else {
                    throw .init(line: line, column: column,
                                message: "a section is closed with a different name than it was opened with (`\(section.name)` at line \(section.line), closed as `\(content)`)")
                }
                let children = nodes
                nodes = section.outer
                nodes.append(.section(path: section.path, inverted: section.inverted, children: children))
            case UInt8(ascii: ">"):
                flush()
                partials.append(.init(name: content, line: line, column: column))
                nodes.append(.partial(name: content, indentation: indentation))
            case UInt8(ascii: "<"), UInt8(ascii: "$"), UInt8(ascii: "*"):
                throw .init(line: line, column: column, message: "template inheritance and dynamic partials (`{{<`, `{{$`, `{{>*`) are not supported")
            default:
                flush()
                let escaped = sigil != UInt8(ascii: "&") && sigil != UInt8(ascii: "{")
                nodes.append(.variable(path: try path(content, line: line, column: column), escaped: escaped))
            }
        }
        if let section = sections.last {
            throw .init(line: section.line, column: section.column, message: "the section `\(section.name)` is opened but never closed")
        }
        flush()
        return nodes
    }

    func path(_ name: String, line: Int, column: Int) throws(MustacheTemplate.SyntaxError) -> [TemplateName] {
        if name == "." { return [] }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map { TemplateName(String($0)) }
        guard !name.isEmpty, !parts.contains(where: \.text.isEmpty), !name.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw .init(line: line, column: column, message: "`\(name)` is not a name a tag can look up")
        }
        return parts
    }

    /// When the tag is alone on its line (only spaces or tabs around it): where the line starts
    /// and where the next line does.
    func standaloneLine(tagStart: Int, tagEnd: Int) -> (lineStart: Int, next: Int)? {
        var lineStart = tagStart
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") {
            guard bytes[lineStart - 1] == UInt8(ascii: " ") || bytes[lineStart - 1] == UInt8(ascii: "\t") else { return nil }
            lineStart -= 1
        }
        var next = tagEnd
        while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
        if next == bytes.count { return (lineStart, next) }
        if bytes[next] == UInt8(ascii: "\n") { return (lineStart, next + 1) }
        if bytes[next] == UInt8(ascii: "\r"), next + 1 < bytes.count, bytes[next + 1] == UInt8(ascii: "\n") { return (lineStart, next + 2) }
        return nil
    }

    func matches(_ needle: [UInt8], at offset: Int) -> Bool {
        guard offset + needle.count <= bytes.count else { return false }
        for index in needle.indices where bytes[offset + index] != needle[index] { return false }
        return true
    }

    func find(_ needle: [UInt8], from offset: Int) -> Int? {
        var cursor = offset
        while cursor + needle.count <= bytes.count {
            if matches(needle, at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }

    /// 1-based line and column (in characters) of a byte offset.
    func lineAndColumn(of offset: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        return (line, column)
    }
}
