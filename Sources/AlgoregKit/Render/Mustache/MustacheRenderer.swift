/// Renders parsed templates into bytes. Names are looked up through the stack of open sections,
/// innermost first, as the Mustache spec says; a name that is not found renders as nothing.
///
/// Both cores render pages from the same templates and the same shared values (the UI
/// strings, the menus), so the renderer walks them without reference counting: a template is
/// a flat `MustacheProgram` of plain operations, and an open section holds its object unowned.
/// That is safe because the context is held for the whole render and nothing changes it.
struct MustacheRenderer {
    let templates: [String: MustacheTemplate]
    /// The page's relative path to the site root, written between the parts of `.relative` values.
    let root: [UInt8]
    var output: [UInt8] = []
    private var stack: [Frame] = []

    /// An open section's value: an object (unowned, see above), or any other value, copied.
    private enum Frame {
        case object(Unmanaged<TemplateObject.Storage>)
        case value(TemplateValue)
    }

    /// Where a looked-up name's value is, without copying it out.
    private enum Slot {
        case missing
        case member(Unmanaged<TemplateObject.Storage>, Int)
        case frame(Int)
    }

    init(templates: [String: MustacheTemplate], root: String) {
        self.templates = templates
        self.root = Array(root.utf8)
        output.reserveCapacity(32 * 1024)
    }

    /// Renders `template` with `context` as the outermost value.
    static func render(_ template: MustacheTemplate, context: TemplateValue, templates: [String: MustacheTemplate], root: String) -> [UInt8] {
        var renderer = MustacheRenderer(templates: templates, root: root)
        withExtendedLifetime(context) {
            renderer.push(context)
            renderer.run(template.program, from: 0, to: template.program.operations.count)
        }
        return renderer.output
    }

    private mutating func push(_ value: TemplateValue) {
        if case .object(let object) = value {
            stack.append(.object(object.unmanagedStorage))
        } else {
            stack.append(.value(value))
        }
    }

    private mutating func run(_ program: MustacheProgram, from start: Int, to end: Int) {
        var index = start
        while index < end {
            let operation = program.operations[index]
            switch operation.kind {
            case .text:
                program.text.withUnsafeBufferPointer { text in
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: text[Int(operation.start)..<Int(operation.start + operation.count)]))
                }
            case .escapedVariable, .rawVariable:
                write(lookUp(program, operation), escaped: operation.kind == .escapedVariable)
            case .section:
                section(lookUp(program, operation), program, from: index + 1, to: Int(operation.end))
                index = Int(operation.end)
                continue
            case .invertedSection:
                if isFalsy(lookUp(program, operation)) { run(program, from: index + 1, to: Int(operation.end)) }
                index = Int(operation.end)
                continue
            case .partial:
                let (name, indentation) = program.partials[Int(operation.start)]
                guard let partial = templates[name] else { break }
                let body = indentation.isEmpty ? partial.program : MustacheProgram(MustacheTemplate.indent(partial.nodes, with: indentation))
                run(body, from: 0, to: body.operations.count)
            }
            index += 1
        }
    }

    private mutating func section(_ slot: Slot, _ program: MustacheProgram, from start: Int, to end: Int) {
        let value: TemplateValue
        switch slot {
        case .missing: return
        case .member(let storage, let position):
            // The common case, an object, is opened without copying it.
            if let object = storage._withUnsafeGuaranteedRef({ $0.objectStorage(at: position) }) {
                stack.append(.object(object))
                run(program, from: start, to: end)
                stack.removeLast()
                return
            }
            value = storage._withUnsafeGuaranteedRef { $0.values[position] }
        case .frame(let level):
            switch stack[level] {
            case .object(let object):
                stack.append(.object(object))
                run(program, from: start, to: end)
                stack.removeLast()
                return
            case .value(let frameValue):
                value = frameValue
            }
        }
        switch value {
        case .bool(true):
            run(program, from: start, to: end)
        case .list(let items):
            for item in items {
                push(item)
                run(program, from: start, to: end)
                stack.removeLast()
            }
        case _ where value.isFalsy:
            break
        default:
            push(value)
            run(program, from: start, to: end)
            stack.removeLast()
        }
    }

    /// The first name is searched from the innermost open section outwards; the rest of a
    /// dotted path is looked up inside what was found.
    private func lookUp(_ program: MustacheProgram, _ operation: MustacheProgram.Operation) -> Slot {
        guard operation.count > 0 else { return stack.isEmpty ? .missing : .frame(stack.count - 1) }
        return program.names.withUnsafeBufferPointer { names -> Slot in
            let first = names[Int(operation.start)]
            var found: Slot = .missing
            var level = stack.count - 1
            while level >= 0 {
                if case .object(let storage) = stack[level],
                   let position = storage._withUnsafeGuaranteedRef({ $0.position(of: first.text, hash: first.hash) }) {
                    found = .member(storage, position)
                    break
                }
                level -= 1
            }
            var next = Int(operation.start) + 1
            let end = Int(operation.start + operation.count)
            while next < end, case .member(let storage, let position) = found {
                let name = names[next]
                guard let child = storage._withUnsafeGuaranteedRef({ $0.objectStorage(at: position) }),
                      let childPosition = child._withUnsafeGuaranteedRef({ $0.position(of: name.text, hash: name.hash) }) else { return .missing }
                found = .member(child, childPosition)
                next += 1
            }
            return found
        }
    }

    private func isFalsy(_ slot: Slot) -> Bool {
        switch slot {
        case .missing: return true
        case .member(let storage, let position): return storage._withUnsafeGuaranteedRef { $0.values[position].isFalsy }
        case .frame(let level):
            if case .value(let value) = stack[level] { return value.isFalsy }
            return false
        }
    }

    private mutating func write(_ slot: Slot, escaped: Bool) {
        switch slot {
        case .missing: return
        case .member(let storage, let position):
            storage._withUnsafeGuaranteedRef { write($0.values[position], escaped: escaped) }
        case .frame(let level):
            if case .value(let value) = stack[level] { write(value, escaped: escaped) }
        }
    }

    private mutating func write(_ value: TemplateValue, escaped: Bool) {
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

    private mutating func append(_ text: String, escaped: Bool) {
        if escaped {
            HTML.escape(text, into: &output)
        } else {
            output.append(utf8: text)
        }
    }
}

/// A template compiled for rendering: its nodes flattened, in order, into one array of plain
/// operations, with their text and names in pools beside it. A section's children are the
/// operations up to its `end`.
struct MustacheProgram: Sendable {
    enum Kind: UInt8, Sendable { case text, escapedVariable, rawVariable, section, invertedSection, partial }

    struct Operation: Sendable {
        var kind: Kind
        /// Text: offset in `text`. Variables and sections: the first name in `names`. Partials: index in `partials`.
        var start: Int32
        /// Text: bytes. Variables and sections: names in the path (0 is `.`).
        var count: Int32 = 0
        /// Sections: the operation after the last child.
        var end: Int32 = 0
    }

    private(set) var operations: [Operation] = []
    private(set) var text: [UInt8] = []
    private(set) var names: [TemplateName] = []
    private(set) var partials: [(name: String, indentation: [UInt8])] = []

    init(_ nodes: [MustacheTemplate.Node]) {
        append(nodes)
    }

    private mutating func append(_ nodes: [MustacheTemplate.Node]) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                operations.append(Operation(kind: .text, start: Int32(text.count), count: Int32(bytes.count)))
                text += bytes
            case .variable(let path, let escaped):
                operations.append(Operation(kind: escaped ? .escapedVariable : .rawVariable, start: Int32(names.count), count: Int32(path.count)))
                names += path
            case .section(let path, let inverted, let children):
                let position = operations.count
                operations.append(Operation(kind: inverted ? .invertedSection : .section, start: Int32(names.count), count: Int32(path.count)))
                names += path
                append(children)
                operations[position].end = Int32(operations.count)
            case .partial(let name, let indentation):
                operations.append(Operation(kind: .partial, start: Int32(partials.count)))
                partials.append((name, indentation))
            }
        }
    }
}

extension MustacheTemplate {
    /// A standalone partial's indentation goes before each line of the partial's own text (not
    /// inside the values it writes), and before the lines of the partials it includes.
    static func indent(_ nodes: [Node], with indentation: [UInt8]) -> [Node] {
        var atLineStart = true
        func walk(_ nodes: [Node], isLast: Bool) -> [Node] {
            nodes.enumerated().flatMap { index, node -> [Node] in
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
