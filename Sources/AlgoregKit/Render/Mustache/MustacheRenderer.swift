/// Renders parsed templates into bytes. Names are looked up through the stack of open sections,
/// innermost first, as the Mustache spec says; a name that is not found renders as nothing.
struct MustacheRenderer {
    let templates: [String: MustacheTemplate]
    /// The page's relative path to the site root, written between the parts of `.relative` values.
    let root: [UInt8]
    var output: [UInt8] = []
    var stack: [TemplateValue] = []

    init(templates: [String: MustacheTemplate], root: String) {
        self.templates = templates
        self.root = Array(root.utf8)
        output.reserveCapacity(32 * 1024)
    }

    mutating func render(_ nodes: [MustacheTemplate.Node]) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .variable(let path, let escaped):
                write(lookUp(path), escaped: escaped)
            case .section(let path, let inverted, let children):
                let value = lookUp(path)
                if inverted {
                    if value.isFalsy { render(children) }
                    continue
                }
                switch value {
                case .bool(true):
                    render(children)
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(children)
                        stack.removeLast()
                    }
                case _ where value.isFalsy:
                    break
                default:
                    stack.append(value)
                    render(children)
                    stack.removeLast()
                }
            case .partial(let name, let indentation):
                guard let partial = templates[name] else { continue }
                render(indentation.isEmpty ? partial.nodes : Self.indent(partial.nodes, with: indentation))
            }
        }
    }

    func lookUp(_ path: [TemplateName]) -> TemplateValue {
        guard let first = path.first else { return stack.last ?? .null }
        var found: TemplateValue?
        var level = stack.count - 1
        while level >= 0 {
            if case .object(let object) = stack[level], let child = object[first] {
                found = child
                break
            }
            level -= 1
        }
        guard var value = found else { return .null }
        for name in path.dropFirst() {
            guard case .object(let object) = value, let child = object[name] else { return .null }
            value = child
        }
        return value
    }

    mutating func write(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .text(let text): append(text, escaped: escaped)
        case .number(let number): append(String(number), escaped: false)
        case .bool(let flag): append(flag ? "true" : "false", escaped: false)
        case .relative(let parts):
            for (index, part) in parts.enumerated() {
                if index > 0 { output.append(contentsOf: root) }
                append(part, escaped: escaped)
            }
        case .list, .object, .null: break
        }
    }

    mutating func append(_ text: String, escaped: Bool) {
        if escaped {
            HTML.escape(text, into: &output)
        } else {
            output.append(contentsOf: text.utf8)
        }
    }

    /// A standalone partial's indentation goes before each line of the partial's own text (not
    /// inside the values it writes), and before the lines of the partials it includes.
    static func indent(_ nodes: [MustacheTemplate.Node], with indentation: [UInt8]) -> [MustacheTemplate.Node] {
        var atLineStart = true
        func walk(_ nodes: [MustacheTemplate.Node], isLast: Bool) -> [MustacheTemplate.Node] {
            nodes.enumerated().flatMap { index, node -> [MustacheTemplate.Node] in
                let last = isLast && index == nodes.count - 1
                switch node {
                case .text(let bytes):
                    var indented: [UInt8] = []
                    for (offset, byte) in bytes.enumerated() {
                        if atLineStart { indented += indentation; atLineStart = false }
                        indented.append(byte)
                        if byte == UInt8(ascii: "\n"), !(last && offset == bytes.count - 1) { atLineStart = true }
                    }
                    return [.text(indented)]
                case .variable:
                    defer { atLineStart = false }
                    return atLineStart ? [.text(indentation), node] : [node]
                case .section(let path, let inverted, let children):
                    return [.section(path: path, inverted: inverted, children: walk(children, isLast: last))]
                case .partial(let name, let own):
                    return [.partial(name: name, indentation: indentation + own)]
                }
            }
        }
        return walk(nodes, isLast: true)
    }
}
