import Foundation

/// Turns a schema `Value` into a `SchemaNode` tree, collecting every problem with the schema
/// itself on the way instead of stopping at the first.
struct SchemaCompiler {
    let root: Value
    private(set) var problems: [SchemaProblem] = []
    /// Set by problems after which validation results would be wrong (not by unknown keywords,
    /// which are simply ignored).
    private(set) var blocksValidation = false
    /// Every compiled node by its JSON pointer tokens: `$ref` targets and node ownership.
    private(set) var nodesByPointer: [[String]: SchemaNode] = [:]
    private var rootID: String?
    private var anchors: [String: SchemaNode] = [:]
    private var references: [ReferenceTarget] = []

    init(root: Value) {
        self.root = root
    }

    mutating func compileRoot() -> SchemaNode {
        let node = compile(root, pointer: [])
        var resolvedCount = 0
        // Resolving can compile new parts of the document, which may hold further references.
        while resolvedCount < references.count {
            resolve(references[resolvedCount])
            resolvedCount += 1
        }
        if !blocksValidation { reportReferenceLoops() }
        return node
    }

    // MARK: Reporting

    private mutating func report(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation, fix: String? = nil,
        blocking: Bool = true
    ) {
        problems.append(SchemaProblem(location: location, code: code, message: message, fix: fix))
        if blocking { blocksValidation = true }
    }

    private mutating func reportShape(_ keyword: String, _ expectation: String, at location: SourceLocation) {
        report(.schemaInvalid, "\"\(keyword)\" must be \(expectation).", at: location)
    }

    private mutating func reportUnsupported(_ keyword: String, at location: SourceLocation, why: String = "") {
        report(
            .schemaInvalid, "\"\(keyword)\" is not supported by Algoreg's schema validator\(why).", at: location,
            fix: "Express the rule with local \"$ref\", \"allOf\" or \"if\"/\"then\" instead.")
    }

    // MARK: Schemas

    private mutating func compile(_ value: Value, pointer: [String]) -> SchemaNode {
        if let existing = nodesByPointer[pointer] { return existing }
        let node = SchemaNode()
        nodesByPointer[pointer] = node
        switch value.kind {
        case .bool(true):
            break
        case .bool(false):
            node.checks = [.falseSchema]
        case .object(let object):
            node.checks = compileKeywords(object, pointer: pointer, node: node)
        default:
            report(.schemaInvalid, "A schema must be an object, true or false, not \(value.jsonTypeName).", at: value.location)
        }
        return node
    }

    private mutating func compileKeywords(_ object: Object, pointer: [String], node: SchemaNode) -> [SchemaCheck] {
        var checks: [SchemaCheck] = []
        // Keywords that depend on siblings are compiled as one check, where the first appears.
        var membersDone = false, itemsDone = false, containsDone = false, conditionalDone = false
        for member in object.members {
            let key = member.key, value = member.value, location = member.keyLocation
            let here = pointer + [key]
            switch key {
            case "$schema", "$comment", "title", "description":
                if value.string == nil { reportShape(key, "a string", at: value.location) }
            case "default", "examples", "deprecated", "readOnly", "writeOnly",
                 "contentMediaType", "contentEncoding", "contentSchema":
                break
            case "$id":
                if !pointer.isEmpty {
                    reportUnsupported(key, at: location, why: " below the schema root")
                } else if let id = value.string {
                    rootID = id.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
                } else {
                    reportShape(key, "a string", at: value.location)
                }
            case "$anchor":
                if let name = value.string, Self.isAnchorName(name) {
                    anchors[name] = node
                } else {
                    reportShape(key, "a name of letters, digits, \"-\", \"_\" and \".\"", at: value.location)
                }
            case "$ref":
                guard let reference = value.string else { reportShape(key, "a string", at: value.location); continue }
                let target = ReferenceTarget(reference: reference, location: value.location)
                references.append(target)
                checks.append(.reference(target))
            case "$defs":
                guard let definitions = value.object else { reportShape(key, "an object of schemas", at: value.location); continue }
                for definition in definitions.members {
                    _ = compile(definition.value, pointer: here + [definition.key])
                }
            case "type":
                if let check = compileType(value) { checks.append(check) }
            case "properties", "patternProperties", "additionalProperties":
                if !membersDone {
                    membersDone = true
                    checks.append(compileMembers(object, pointer: pointer))
                }
            case "prefixItems", "items":
                if !itemsDone {
                    itemsDone = true
                    checks.append(compileItems(object, pointer: pointer))
                }
            case "contains", "minContains", "maxContains":
                if !containsDone {
                    containsDone = true
                    if let check = compileContains(object, pointer: pointer) { checks.append(check) }
                }
            case "if", "then", "else":
                if !conditionalDone {
                    conditionalDone = true
                    if let check = compileConditional(object, pointer: pointer) { checks.append(check) }
                }
            case "required":
                if let names = stringList(value, keyword: key) { checks.append(.required(names)) }
            case "dependentRequired":
                guard let dependencies = value.object else { reportShape(key, "an object of string arrays", at: value.location); continue }
                var rules: [(property: String, required: [String])] = []
                for dependency in dependencies.members {
                    if let names = stringList(dependency.value, keyword: key) { rules.append((dependency.key, names)) }
                }
                checks.append(.dependentRequired(rules))
            case "dependentSchemas":
                guard let dependencies = value.object else { reportShape(key, "an object of schemas", at: value.location); continue }
                let rules = dependencies.members.map { (property: $0.key, schema: compile($0.value, pointer: here + [$0.key])) }
                checks.append(.dependentSchemas(rules))
            case "propertyNames":
                checks.append(.propertyNames(compile(value, pointer: here)))
            case "enum":
                guard let allowed = value.array else { reportShape(key, "an array", at: value.location); continue }
                checks.append(.enumeration(allowed))
            case "const":
                checks.append(.constant(value))
            case "pattern":
                guard let source = value.string else { reportShape(key, "a string", at: value.location); continue }
                if let regex = compileRegex(source, at: value.location) { checks.append(.pattern(StringPattern(regex, source: source), source: source)) }
            case "format":
                guard let name = value.string else { reportShape(key, "a string", at: value.location); continue }
                if let format = StringFormat(rawValue: name) { checks.append(.format(format)) }
            case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
                guard let limit = wholeNumber(value, keyword: key) else { continue }
                switch key {
                case "minLength": checks.append(.minLength(limit))
                case "maxLength": checks.append(.maxLength(limit))
                case "minItems": checks.append(.minItems(limit))
                case "maxItems": checks.append(.maxItems(limit))
                case "minProperties": checks.append(.minProperties(limit))
                default: checks.append(.maxProperties(limit))
                }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard let limit = value.double else { reportShape(key, "a number", at: value.location); continue }
                switch key {
                case "minimum": checks.append(.minimum(limit))
                case "maximum": checks.append(.maximum(limit))
                case "exclusiveMinimum": checks.append(.exclusiveMinimum(limit))
                default: checks.append(.exclusiveMaximum(limit))
                }
            case "multipleOf":
                guard let divisor = value.double, divisor > 0 else {
                    reportShape(key, "a number greater than 0", at: value.location)
                    continue
                }
                checks.append(.multipleOf(divisor))
            case "uniqueItems":
                guard let unique = value.bool else { reportShape(key, "true or false", at: value.location); continue }
                if unique { checks.append(.uniqueItems) }
            case "allOf":
                guard let schemas = schemaList(value, keyword: key, pointer: here) else { continue }
                let items = zip(schemas, value.array ?? []).map { (schema: $0, description: $1["description"]?.string) }
                checks.append(.allOf(items))
            case "anyOf":
                if let schemas = schemaList(value, keyword: key, pointer: here) { checks.append(.anyOf(schemas)) }
            case "oneOf":
                if let schemas = schemaList(value, keyword: key, pointer: here) { checks.append(.oneOf(schemas)) }
            case "not":
                checks.append(.not(compile(value, pointer: here)))
            case "$dynamicRef", "$dynamicAnchor", "$vocabulary", "unevaluatedProperties", "unevaluatedItems":
                reportUnsupported(key, at: location)
            default:
                if !key.hasPrefix("x-") { reportUnknownKeyword(key, at: location) }
            }
        }
        return checks
    }

    private mutating func reportUnknownKeyword(_ key: String, at location: SourceLocation) {
        let fix: String
        if let suggestion = Suggest.closest(to: key, in: Array(Self.knownKeywords)) {
            fix = "Did you mean \"\(suggestion)\"? Custom annotations must start with \"x-\"."
        } else {
            fix = "Remove it, or start a custom annotation's name with \"x-\"."
        }
        report(.schemaUnknownKeyword, "Unknown schema keyword \"\(key)\".", at: location, fix: fix, blocking: false)
    }

    private mutating func compileType(_ value: Value) -> SchemaCheck? {
        let names: [Value]
        switch value.kind {
        case .string: names = [value]
        case .array(let list) where !list.isEmpty: names = list
        default:
            reportShape("type", "a type name or a non-empty array of type names", at: value.location)
            return nil
        }
        var types: InstanceTypes = []
        var typeNames: [String] = []
        for name in names {
            guard let text = name.string, let type = InstanceTypes.byName[text] else {
                let suggestion = name.string.flatMap { Suggest.closest(to: $0, in: InstanceTypes.byName.keys.sorted()) }
                report(
                    .schemaInvalid, "\"type\" names an unknown type \(name.jsonText(pretty: false)).", at: name.location,
                    fix: suggestion.map { "Did you mean \"\($0)\"?" }
                        ?? "Use one of: array, boolean, integer, null, number, object, string.")
                return nil
            }
            types.formUnion(type)
            typeNames.append(text)
        }
        return .type(types, names: typeNames)
    }

    private mutating func compileMembers(_ object: Object, pointer: [String]) -> SchemaCheck {
        var properties = SchemaProperties()
        var declaredNames: [String] = []
        if let value = object["properties"] as Value? {
            if let definitions = value.object {
                for definition in definitions.members {
                    properties.append(definition.key, compile(definition.value, pointer: pointer + ["properties", definition.key]))
                    declaredNames.append(definition.key)
                }
            } else {
                reportShape("properties", "an object of schemas", at: value.location)
            }
        }
        var patterns: [PropertyPattern] = []
        if let value = object["patternProperties"] as Value? {
            if let definitions = value.object {
                for definition in definitions.members {
                    let schema = compile(definition.value, pointer: pointer + ["patternProperties", definition.key])
                    if let regex = compileRegex(definition.key, at: definition.keyLocation) {
                        patterns.append(PropertyPattern(regex: regex, schema: schema))
                    }
                }
            } else {
                reportShape("patternProperties", "an object of schemas", at: value.location)
            }
        }
        var additional: AdditionalProperties?
        if let value = object["additionalProperties"] as Value? {
            additional = value.bool == false
                ? .forbidden : .schema(compile(value, pointer: pointer + ["additionalProperties"]))
        }
        return .members(properties: properties, patterns: patterns, additional: additional, declaredNames: declaredNames)
    }

    private mutating func compileItems(_ object: Object, pointer: [String]) -> SchemaCheck {
        var prefix: [SchemaNode] = []
        if let value = object["prefixItems"] as Value? {
            prefix = schemaList(value, keyword: "prefixItems", pointer: pointer + ["prefixItems"]) ?? []
        }
        let rest = (object["items"] as Value?).map { compile($0, pointer: pointer + ["items"]) }
        return .items(prefix: prefix, rest: rest)
    }

    private mutating func compileContains(_ object: Object, pointer: [String]) -> SchemaCheck? {
        let minimum = (object["minContains"] as Value?).flatMap { wholeNumber($0, keyword: "minContains") }
        let maximum = (object["maxContains"] as Value?).flatMap { wholeNumber($0, keyword: "maxContains") }
        guard let value = object["contains"] as Value? else { return nil }
        return .contains(compile(value, pointer: pointer + ["contains"]), minimum: minimum ?? 1, maximum: maximum)
    }

    /// `then`/`else` without `if` do nothing, but are still compiled so their problems show.
    private mutating func compileConditional(_ object: Object, pointer: [String]) -> SchemaCheck? {
        let condition = (object["if"] as Value?).map { compile($0, pointer: pointer + ["if"]) }
        let then = (object["then"] as Value?).map { compile($0, pointer: pointer + ["then"]) }
        let otherwise = (object["else"] as Value?).map { compile($0, pointer: pointer + ["else"]) }
        guard let condition, then != nil || otherwise != nil else { return nil }
        return .conditional(if: condition, then: then, else: otherwise, description: object["description"]?.string)
    }

    // MARK: Keyword values

    private mutating func schemaList(_ value: Value, keyword: String, pointer: [String]) -> [SchemaNode]? {
        guard let list = value.array, !list.isEmpty else {
            reportShape(keyword, "a non-empty array of schemas", at: value.location)
            return nil
        }
        return list.enumerated().map { compile($1, pointer: pointer + [String($0)]) }
    }

    private mutating func stringList(_ value: Value, keyword: String) -> [String]? {
        guard let list = value.array else {
            reportShape(keyword, "an array of property names", at: value.location)
            return nil
        }
        var names: [String] = []
        for item in list {
            guard let name = item.string else {
                reportShape(keyword, "an array of property names", at: item.location)
                return nil
            }
            if names.contains(name) {
                report(.schemaInvalid, "\"\(keyword)\" lists \"\(name)\" twice.", at: item.location, blocking: false)
            } else {
                names.append(name)
            }
        }
        return names
    }

    /// A non-negative whole number; 2.0 is accepted as the specification allows.
    private mutating func wholeNumber(_ value: Value, keyword: String) -> Int? {
        if let number = value.double, number >= 0, number.rounded() == number, number < Double(Int.max) {
            return Int(number)
        }
        reportShape(keyword, "a whole number of 0 or more", at: value.location)
        return nil
    }

    private mutating func compileRegex(_ source: String, at location: SourceLocation) -> NSRegularExpression? {
        do {
            return try NSRegularExpression(pattern: source)
        } catch {
            report(
                .schemaBadRegex, "The regular expression \(Value(.string(source)).jsonText(pretty: false)) does not compile.",
                at: location, fix: "Check brackets, parentheses and escapes (a literal backslash is \"\\\\\" in YAML/JSON strings).")
            return nil
        }
    }

    private static func isAnchorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_", first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    // MARK: References

    private mutating func resolve(_ target: ReferenceTarget) {
        var reference = target.reference
        if let rootID, !rootID.isEmpty, reference == rootID || reference.hasPrefix(rootID + "#") {
            reference.removeFirst(rootID.count)
        }
        if reference.isEmpty { reference = "#" }
        guard reference.hasPrefix("#") else {
            report(
                .schemaInvalid, "\"$ref\" \"\(target.reference)\" points outside this schema; only local references are supported.",
                at: target.location, fix: "Copy the referenced schema into \"$defs\" and use \"#/$defs/name\".")
            return
        }
        guard let fragment = String(reference.dropFirst()).removingPercentEncoding else {
            reportDangling(target, tokens: nil)
            return
        }
        if fragment.isEmpty {
            target.node = nodesByPointer[[]]
        } else if fragment.hasPrefix("/") {
            let tokens = fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            if let node = nodesByPointer[tokens] {
                target.node = node
            } else if let value = root.atPointer(tokens) {
                target.node = compile(value, pointer: tokens)
            } else {
                reportDangling(target, tokens: tokens)
            }
        } else if let node = anchors[fragment] {
            target.node = node
        } else {
            reportDangling(target, tokens: nil)
        }
    }

    private mutating func reportDangling(_ target: ReferenceTarget, tokens: [String]?) {
        var fix = "Point it at an existing schema, e.g. \"#/$defs/name\"."
        if let tokens, tokens.count == 2, tokens[0] == "$defs", let definitions = root["$defs"]?.object,
           let suggestion = Suggest.closest(to: tokens[1], in: definitions.keys.sorted()) {
            fix = "Did you mean \"#/$defs/\(suggestion)\"?"
        }
        report(.schemaDanglingRef, "\"$ref\" \"\(target.reference)\" does not point to anything in this schema.", at: target.location, fix: fix)
    }

    /// A `$ref` chain that comes back to itself without stepping into a property or item
    /// would make validation recurse forever, so it is refused at compile time.
    private mutating func reportReferenceLoops() {
        var finished: Set<ObjectIdentifier> = []
        var pathNodes: [ObjectIdentifier] = []
        /// The reference followed to reach each node on the path (nil for other applicators).
        var pathReferences: [ReferenceTarget?] = []
        var loops: [ReferenceTarget] = []

        func visit(_ node: SchemaNode, via reference: ReferenceTarget?) {
            let id = ObjectIdentifier(node)
            if finished.contains(id) { return }
            if let start = pathNodes.lastIndex(of: id) {
                let loop = pathReferences[(start + 1)...] + [reference]
                if let first = loop.compactMap({ $0 }).first, !loops.contains(where: { $0 === first }) { loops.append(first) }
                return
            }
            pathNodes.append(id)
            pathReferences.append(reference)
            for check in node.checks {
                for (next, nextReference) in Self.inPlaceSubschemas(of: check) { visit(next, via: nextReference) }
            }
            pathNodes.removeLast()
            pathReferences.removeLast()
            finished.insert(id)
        }
        for pointer in nodesByPointer.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            visit(nodesByPointer[pointer]!, via: nil)
        }
        for reference in loops {
            report(
                .schemaInvalid, "\"$ref\" \"\(reference.reference)\" loops back to itself without reaching a value.",
                at: reference.location)
        }
    }

    /// Subschemas applied to the same instance as their parent (so they can form loops).
    private static func inPlaceSubschemas(of check: SchemaCheck) -> [(SchemaNode, ReferenceTarget?)] {
        switch check {
        case .reference(let target): return target.node.map { [($0, target)] } ?? []
        case .allOf(let items): return items.map { ($0.schema, nil) }
        case .anyOf(let nodes), .oneOf(let nodes): return nodes.map { ($0, nil) }
        case .not(let node): return [(node, nil)]
        case .conditional(let condition, let then, let otherwise, _):
            return [condition, then, otherwise].compactMap { $0.map { ($0, nil) } }
        case .dependentSchemas(let rules): return rules.map { ($0.schema, nil) }
        default: return []
        }
    }

    // MARK: Keyword names

    static let knownKeywords: [String] = [
        "$schema", "$id", "$anchor", "$ref", "$defs", "$comment", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
        "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
        "contentMediaType", "contentEncoding", "contentSchema",
        "type", "enum", "const", "properties", "patternProperties", "additionalProperties", "propertyNames",
        "required", "dependentRequired", "dependentSchemas", "minProperties", "maxProperties",
        "unevaluatedProperties", "unevaluatedItems",
        "prefixItems", "items", "contains", "minContains", "maxContains", "minItems", "maxItems", "uniqueItems",
        "pattern", "format", "minLength", "maxLength",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ]
}


extension Value {
    /// The value a JSON pointer (already split and unescaped) leads to, if any.
    func atPointer(_ tokens: [String]) -> Value? {
        var value = self
        for token in tokens {
            switch value.kind {
            case .object(let object):
                guard let next = object[token] as Value? else { return nil }
                value = next
            case .array(let elements):
                guard let index = Int(token), String(index) == token, elements.indices.contains(index) else { return nil }
                value = elements[index]
            default:
                return nil
            }
        }
        return value
    }
}
