import CYAML

/// Parses YAML with libyaml's event parser into `Value`s that remember the line and column of
/// every key and value. Driving the events ourselves (rather than a general loader) lets us see
/// duplicate keys, non-text keys and tabs, which loaders accept or drop silently.
public enum YAMLLoader {
    /// A problem in the YAML text, at a location inside that text (1-based).
    public struct Problem: Sendable, Equatable {
        public var code: DiagnosticCode
        public var location: SourceLocation
        public var message: String
        public var fix: String?

        public func diagnostic(in file: String) -> Diagnostic {
            Diagnostic(file: file, location: location, code: code, message: message, fix: fix)
        }
    }

    /// Parses one YAML document. Returns the value (nil when the text has a syntax error) and
    /// every problem found. An empty document is `null`.
    /// `lineOffset` is added to every line, for YAML that starts further down a file.
    public static func load(_ text: String, lineOffset: Int = 0) -> (value: Value?, problems: [Problem]) {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { return (Value(.null, at: SourceLocation(line: 1 + lineOffset, column: 1)), []) }
        return utf8.withUnsafeMutableBufferPointer { buffer in
            var builder = Builder(text: text, lineOffset: lineOffset)
            builder.run(buffer)
            return (builder.problems.contains { $0.code == .yamlSyntax || $0.code == .yamlTab } ? nil : builder.root, builder.problems)
        }
    }

    private struct Builder {
        let text: String
        var root: Value?
        var problems: [Problem] = []
        var anchors: [String: Value] = [:]

        /// A container being filled; a mapping waits for its key before each value. Frames are
        /// changed in place on the stack, so appending never copies the items gathered so far.
        struct Frame {
            var isMapping: Bool
            var start: SourceLocation
            var anchor: String?
            var items: [Value] = []
            var members: [Member] = []
            /// Finds duplicate keys, then becomes the object's index.
            var index = KeyIndex()
            var pendingKey: (String, SourceLocation)?
        }
        var stack: [Frame] = []
        /// Depth of containers being skipped because their key was not text.
        var skipDepth = 0

        let lineOffset: Int

        init(text: String, lineOffset: Int) {
            self.text = text
            self.lineOffset = lineOffset
        }

        mutating func run(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    reportSyntaxError(parser)
                    return
                }
                defer { yaml_event_delete(&event) }
                let location = SourceLocation(line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_DOCUMENT_START_EVENT:
                    if root != nil {
                        problems.append(Problem(code: .yamlSyntax, location: location,
                            message: "The front matter holds a second YAML document.",
                            fix: "Remove the `---` line inside the front matter; only the closing line may be `---`."))
                        return
                    }
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let string = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                    let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
                    let tag = scalar.tag.map { String(cString: $0) }
                    var value = Value(plain ? resolvePlain(string) : resolveTagged(string, tag: tag), at: location)
                    value.location = location
                    if let anchor = scalar.anchor { anchors[String(cString: anchor)] = value }
                    add(value, isScalarKey: true, keyText: string, plain: plain)
                case YAML_ALIAS_EVENT:
                    let name = String(cString: event.data.alias.anchor)
                    if var value = anchors[name] {
                        value.location = location
                        add(value, isScalarKey: value.string != nil, keyText: value.string ?? "", plain: false)
                    } else {
                        problems.append(Problem(code: .yamlSyntax, location: location,
                            message: "The alias `*\(name)` refers to no anchor `&\(name)` above it.", fix: nil))
                        add(Value(.null, at: location), isScalarKey: false, keyText: "", plain: false)
                    }
                case YAML_SEQUENCE_START_EVENT:
                    if beginContainer(at: location) {
                        stack.append(Frame(isMapping: false, start: location, anchor: event.data.sequence_start.anchor.map { String(cString: $0) }))
                    }
                case YAML_MAPPING_START_EVENT:
                    if beginContainer(at: location) {
                        stack.append(Frame(isMapping: true, start: location, anchor: event.data.mapping_start.anchor.map { String(cString: $0) }))
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if skipDepth > 0 { skipDepth -= 1; continue }
                    guard let frame = stack.popLast() else { continue }
                    let value = frame.isMapping
                        ? Value(.object(Object(uniqueMembers: frame.members, index: frame.index)), at: frame.start)
                        : Value(.array(frame.items), at: frame.start)
                    if let anchor = frame.anchor { anchors[anchor] = value }
                    add(value, isScalarKey: false, keyText: "", plain: false)
                default:
                    continue
                }
            }
        }

        /// Returns false when the container is a mapping key, which we skip with one problem.
        mutating func beginContainer(at location: SourceLocation) -> Bool {
            if skipDepth > 0 { skipDepth += 1; return false }
            if let top = stack.last, top.isMapping, top.pendingKey == nil {
                problems.append(Problem(code: .nonStringKey, location: location,
                    message: "A field name must be plain text, not a list or a group of fields.",
                    fix: "Write the field name as a word followed by a colon, e.g. `name: ...`."))
                skipDepth = 1
                markPendingKeyIgnored(at: location)
                return false
            }
            return true
        }

        /// After a skipped complex key, the value that follows must be dropped too.
        mutating func markPendingKeyIgnored(at location: SourceLocation) {
            guard let top = stack.indices.last, stack[top].isMapping, stack[top].pendingKey == nil else { return }
            stack[top].pendingKey = ("\u{0}ignored", location)
        }

        mutating func add(_ value: Value, isScalarKey: Bool, keyText: String, plain: Bool) {
            if skipDepth > 0 { return }
            guard let top = stack.indices.last else {
                root = value
                return
            }
            guard stack[top].isMapping else {
                stack[top].items.append(value)
                return
            }
            if let (key, keyLocation) = stack[top].pendingKey {
                if key != "\u{0}ignored" {
                    stack[top].index.append(hash: KeyIndex.hash(key))
                    stack[top].members.append(Member(key: key, keyLocation: keyLocation, value: value))
                }
                stack[top].pendingKey = nil
                return
            }
            // This value is a key.
            var key = keyText
            if !isScalarKey || (plain && value.string == nil && !value.isNull) || value.isNull {
                problems.append(Problem(code: .nonStringKey, location: value.location,
                    message: value.isNull
                        ? "A field has no name before its colon."
                        : "The field name `\(keyText)` is read as \(value.bool != nil ? "true or false" : "a number"), not as text.",
                    fix: value.isNull ? "Write the field name before the colon." : "Put the field name in quotes, e.g. `\"\(keyText)\": ...`, or use a word."))
                key = "\u{0}ignored"
            } else if let first = stack[top].members.withUnsafeBufferPointer({ members in
                stack[top].index.position(hash: KeyIndex.hash(key)) { members[$0].key == key }
            }) {
                problems.append(Problem(code: .duplicateKey, location: value.location,
                    message: "The field `\(key)` appears twice in the same block; the first is on line \(stack[top].members[first].keyLocation.line).",
                    fix: "Keep one `\(key)` and delete the other."))
                key = "\u{0}ignored"
            }
            stack[top].pendingKey = (key, value.location)
        }

        mutating func reportSyntaxError(_ parser: yaml_parser_t) {
            let mark = parser.problem_mark
            var location = SourceLocation(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1)
            let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
            if var tab = Self.leadingTab(in: text, near: location.line - lineOffset) {
                tab.line += lineOffset
                problems.append(Problem(code: .yamlTab, location: tab,
                    message: "A tab character is used for indentation; YAML only allows spaces.",
                    fix: "Replace the tab at the start of line \(tab.line) with spaces (two per level)."))
                return
            }
            let context = parser.context.map { String(cString: $0) }
            // An unclosed quote is reported where the text ends; point at the quote instead.
            let pointsAtContext = problem.contains("could not find expected ':'") || (context?.contains("quoted scalar") ?? false)
            if context != nil && location.line > Int(parser.context_mark.line) + 1 + lineOffset && pointsAtContext {
                location = SourceLocation(line: Int(parser.context_mark.line) + 1 + lineOffset, column: Int(parser.context_mark.column) + 1)
            }
            let (message, fix) = Self.explain(problem: problem, context: context)
            problems.append(Problem(code: .yamlSyntax, location: location, message: message, fix: fix))
        }

        /// Finds a tab in the indentation of the line with the error or the lines just before it.
        static func leadingTab(in text: String, near line: Int) -> SourceLocation? {
            var lineNumber = 0
            var best: SourceLocation?
            for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lineNumber += 1
                if lineNumber > line { break }
                guard lineNumber >= line - 1 else { continue }
                var column = 0
                for character in rawLine.unicodeScalars {
                    column += 1
                    if character == "\t" { best = SourceLocation(line: lineNumber, column: column); break }
                    if character != " " && character != "-" { break }
                }
            }
            return best
        }

        /// Turns libyaml's terse problems into sentences a non-programmer can act on.
        static func explain(problem: String, context: String?) -> (String, String?) {
            switch problem {
            case let p where p.contains("mapping values are not allowed"):
                return ("A colon followed by a space appears inside a value, so YAML reads it as a new field.",
                        "Put the whole value in double quotes, e.g. `goal: \"Time: 5 minutes\"`, or use a `|` block.")
            case let p where p.contains("could not find expected ':'"):
                return ("A line is not a `field: value` pair, or a quoted value is not closed.",
                        "Check that every line of the front matter reads `field: value` and that every quote is closed on its line.")
            case let p where p.contains("did not find expected key"):
                return ("The indentation here does not line up with the fields around it.",
                        "Indent fields of the same block by the same number of spaces.")
            case let p where p.contains("found unexpected end of stream") && (context?.contains("quoted scalar") ?? false):
                return ("A quoted value starts here but its closing quote is missing.",
                        "Add the closing quote at the end of the value, or remove the opening one.")
            case let p where p.contains("found unexpected end of stream"):
                return ("The front matter ends inside an unfinished value, probably an unclosed quote or bracket.",
                        "Close the quote or bracket that was opened.")
            case let p where p.contains("found character that cannot start any token"):
                return ("This character cannot start a value in YAML (for example `@` or a backtick).",
                        "Put the value in double quotes.")
            case let p where p.contains("did not find expected node content"):
                return ("A value is missing or starts with a character YAML does not accept here.",
                        "Write a value after the colon or dash, in quotes if it starts with a special character.")
            default:
                let where_ = context.map { " (\($0))" } ?? ""
                return ("The YAML cannot be read: \(problem)\(where_).", nil)
            }
        }
    }

    /// YAML 1.2 core schema: plain `yes`/`no` stay text (no "Norway problem"), dates stay text.
    static func resolvePlain(_ s: String) -> Value.Kind {
        guard let first = s.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if s == "~" || s == "null" || s == "Null" || s == "NULL" { return .null }
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            if s == "true" || s == "True" || s == "TRUE" { return .bool(true) }
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            if s == "false" || s == "False" || s == "FALSE" { return .bool(false) }
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return resolveNumber(s) ?? .string(s)
        default:
            break
        }
        return .string(s)
    }

    static func resolveNumber(_ s: String) -> Value.Kind? {
        let bytes = Array(s.utf8)
        var index = 0
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") { index = 1 }
        let body = bytes[index...]
        if body.isEmpty { return nil }
        if body.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            if let i = Int(s.hasPrefix("+") ? String(s.dropFirst()) : s) { return .integer(i) }
            return Double(s).map { .number($0) }
        }
        if s.hasPrefix("0x"), let i = Int(s.dropFirst(2), radix: 16) { return .integer(i) }
        if s.hasPrefix("0o"), let i = Int(s.dropFirst(2), radix: 8) { return .integer(i) }
        let lowered = String(decoding: body, as: UTF8.self).lowercased()
        if lowered == ".inf" { return .number(bytes[0] == UInt8(ascii: "-") ? -.infinity : .infinity) }
        if lowered == ".nan" && index == 0 { return .number(.nan) }
        // A float: digits, one dot, optional exponent; nothing else (so 2024-05-01 stays text).
        var sawDigit = false, sawDot = false, sawExponent = false
        var position = body.startIndex
        while position < body.endIndex {
            let c = body[position]
            if c >= 48 && c <= 57 { sawDigit = true }
            else if c == UInt8(ascii: ".") && !sawDot && !sawExponent { sawDot = true }
            else if (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) && sawDigit && !sawExponent {
                sawExponent = true
                let next = body.index(after: position)
                if next < body.endIndex && (body[next] == UInt8(ascii: "-") || body[next] == UInt8(ascii: "+")) { position = next }
                sawDigit = false
            } else { return nil }
            position = body.index(after: position)
        }
        guard sawDigit, sawDot || sawExponent else { return nil }
        return Double(s).map { .number($0) }
    }

    static func resolveTagged(_ s: String, tag: String?) -> Value.Kind {
        switch tag {
        case "tag:yaml.org,2002:int": return Int(s).map { .integer($0) } ?? .string(s)
        case "tag:yaml.org,2002:float": return Double(s).map { .number($0) } ?? .string(s)
        case "tag:yaml.org,2002:bool": return resolvePlain(s)
        case "tag:yaml.org,2002:null": return .null
        default: return .string(s)
        }
    }
}
