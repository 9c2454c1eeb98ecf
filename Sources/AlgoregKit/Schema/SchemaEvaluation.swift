import Foundation

/// State of one validation run. With `collectsAll` false the first failure ends the run and
/// nothing is recorded, which is what `isValid`, `if`, `not`, `anyOf` and `oneOf` need.
struct Evaluation {
    var path: [PathComponent]
    var violations: [SchemaViolation] = []
    let collectsAll: Bool

    mutating func report(_ kind: @autoclosure () -> ViolationKind, at location: SourceLocation) {
        if collectsAll { violations.append(SchemaViolation(instancePath: path, location: location, kind: kind())) }
    }

    /// Marks violations recorded since `start` as caused by a rule the schema describes.
    /// A described `allOf` item that itself holds the `if` would add its description twice.
    mutating func addContext(_ description: String?, since start: Int) {
        guard let description, collectsAll else { return }
        for index in start..<violations.count where violations[index].context.first != description {
            violations[index].context.insert(description, at: 0)
        }
    }
}

extension SchemaNode {
    /// Applies every check; returns whether the instance passed them all.
    func evaluate(_ instance: Value, _ evaluation: inout Evaluation) -> Bool {
        // Each check evaluated in place: copying one out of the array retains all it holds.
        checks.withUnsafeBufferPointer { checks in
            var valid = true
            for index in checks.indices where !checks[index].evaluate(instance, &evaluation) {
                valid = false
                if !evaluation.collectsAll { return false }
            }
            return valid
        }
    }

    func isValid(_ instance: Value, at path: [PathComponent]) -> Bool {
        var evaluation = Evaluation(path: path, collectsAll: false)
        return evaluate(instance, &evaluation)
    }

    func violations(_ instance: Value, at path: [PathComponent]) -> [SchemaViolation] {
        var evaluation = Evaluation(path: path, collectsAll: true)
        _ = evaluate(instance, &evaluation)
        return evaluation.violations
    }

    /// Evaluates a child value one step down the instance path.
    func evaluate(_ instance: Value, at step: PathComponent, _ evaluation: inout Evaluation) -> Bool {
        evaluation.path.append(step)
        defer { evaluation.path.removeLast() }
        return evaluate(instance, &evaluation)
    }
}

extension SchemaCheck {
    // Each keyword ignores instances of types it does not apply to, as JSON Schema says.
    func evaluate(_ instance: Value, _ evaluation: inout Evaluation) -> Bool {
        switch self {
        case .falseSchema:
            evaluation.report(.falseSchema, at: instance.location)
            return false
        case .type(let types, let names):
            if types.contains(InstanceTypes(of: instance)) { return true }
            evaluation.report(.type(expected: names, actual: instance.jsonTypeName), at: instance.location)
            return false
        case .members(let properties, let patterns, let additional, let declaredNames):
            guard case .object(let object) = instance.kind else { return true }
            return Self.evaluateMembers(object, properties, patterns, additional, declaredNames, &evaluation)
        case .required(let names):
            guard case .object(let object) = instance.kind else { return true }
            let missing = names.filter { object.member($0) == nil }
            if missing.isEmpty { return true }
            evaluation.report(.missingRequired(missing), at: instance.location)
            return false
        case .propertyNames(let schema):
            guard case .object(let object) = instance.kind else { return true }
            var valid = true
            for member in object.members {
                let name = Value(.string(member.key), at: member.keyLocation)
                evaluation.path.append(.key(member.key))
                defer { evaluation.path.removeLast() }
                if schema.isValid(name, at: evaluation.path) { continue }
                valid = false
                guard evaluation.collectsAll else { return false }
                let reasons = schema.violations(name, at: evaluation.path)
                evaluation.report(.propertyName(name: member.key, violations: reasons), at: member.keyLocation)
            }
            return valid
        case .minProperties(let limit):
            guard case .object(let object) = instance.kind, object.count < limit else { return true }
            evaluation.report(.minProperties(limit), at: instance.location)
            return false
        case .maxProperties(let limit):
            guard case .object(let object) = instance.kind, object.count > limit else { return true }
            evaluation.report(.maxProperties(limit), at: instance.location)
            return false
        case .dependentRequired(let rules):
            guard case .object(let object) = instance.kind else { return true }
            var valid = true
            for rule in rules where object.member(rule.property) != nil {
                let missing = rule.required.filter { object.member($0) == nil }
                if missing.isEmpty { continue }
                valid = false
                guard evaluation.collectsAll else { return false }
                evaluation.report(.dependentRequired(property: rule.property, missing: missing), at: instance.location)
            }
            return valid
        case .dependentSchemas(let rules):
            guard case .object(let object) = instance.kind else { return true }
            var valid = true
            for rule in rules where object.member(rule.property) != nil && !rule.schema.evaluate(instance, &evaluation) {
                valid = false
                if !evaluation.collectsAll { return false }
            }
            return valid
        case .enumeration(let allowed):
            if allowed.contains(where: { $0 == instance }) { return true }
            evaluation.report(.enumeration(allowed: allowed), at: instance.location)
            return false
        case .constant(let expected):
            if instance == expected { return true }
            evaluation.report(.constant(expected), at: instance.location)
            return false
        case .pattern(let pattern, let source):
            guard case .string(let text) = instance.kind else { return true }
            if pattern.matches(text) { return true }
            evaluation.report(.pattern(source), at: instance.location)
            return false
        case .format(let format):
            guard case .string(let text) = instance.kind else { return true }
            switch format.check(text) {
            case .valid: return true
            case .malformed: evaluation.report(.format(format.rawValue), at: instance.location)
            case .impossibleDate: evaluation.report(.impossibleDate(format.rawValue), at: instance.location)
            }
            return false
        case .minLength(let limit):
            // A scalar takes at most four UTF-8 bytes: long texts pass without counting.
            guard case .string(let text) = instance.kind, text.utf8.count < limit * 4, text.unicodeScalars.count < limit else { return true }
            evaluation.report(.minLength(limit), at: instance.location)
            return false
        case .maxLength(let limit):
            // UTF-8 never has fewer bytes than scalars, so short strings skip the count.
            guard case .string(let text) = instance.kind, text.utf8.count > limit, text.unicodeScalars.count > limit else {
                return true
            }
            evaluation.report(.maxLength(limit), at: instance.location)
            return false
        case .minimum(let limit):
            guard let number = instance.double, number < limit else { return true }
            evaluation.report(.minimum(limit), at: instance.location)
            return false
        case .maximum(let limit):
            guard let number = instance.double, number > limit else { return true }
            evaluation.report(.maximum(limit), at: instance.location)
            return false
        case .exclusiveMinimum(let limit):
            guard let number = instance.double, number <= limit else { return true }
            evaluation.report(.exclusiveMinimum(limit), at: instance.location)
            return false
        case .exclusiveMaximum(let limit):
            guard let number = instance.double, number >= limit else { return true }
            evaluation.report(.exclusiveMaximum(limit), at: instance.location)
            return false
        case .multipleOf(let divisor):
            guard instance.double != nil, !Self.isMultiple(instance, of: divisor) else { return true }
            evaluation.report(.multipleOf(divisor), at: instance.location)
            return false
        case .items(let prefix, let rest):
            guard case .array(let elements) = instance.kind else { return true }
            var valid = true
            for (index, element) in elements.enumerated() {
                guard let schema = index < prefix.count ? prefix[index] : rest else { break }
                if !schema.evaluate(element, at: .index(index), &evaluation) {
                    valid = false
                    if !evaluation.collectsAll { return false }
                }
            }
            return valid
        case .contains(let schema, let minimum, let maximum):
            guard case .array(let elements) = instance.kind else { return true }
            var found = 0
            for (index, element) in elements.enumerated() where schema.isValid(element, at: evaluation.path + [.index(index)]) {
                found += 1
            }
            if found < minimum {
                evaluation.report(.minContains(required: minimum, found: found), at: instance.location)
                return false
            }
            if let maximum, found > maximum {
                evaluation.report(.maxContains(allowed: maximum, found: found), at: instance.location)
                return false
            }
            return true
        case .minItems(let limit):
            guard case .array(let elements) = instance.kind, elements.count < limit else { return true }
            evaluation.report(.minItems(limit), at: instance.location)
            return false
        case .maxItems(let limit):
            guard case .array(let elements) = instance.kind, elements.count > limit else { return true }
            evaluation.report(.maxItems(limit), at: instance.location)
            return false
        case .uniqueItems:
            guard case .array(let elements) = instance.kind, let (first, duplicate) = Self.firstDuplicate(in: elements) else {
                return true
            }
            evaluation.report(.uniqueItems(firstIndex: first, duplicateIndex: duplicate), at: elements[duplicate].location)
            return false
        case .allOf(let items):
            var valid = true
            for item in items {
                let start = evaluation.violations.count
                if item.schema.evaluate(instance, &evaluation) { continue }
                valid = false
                guard evaluation.collectsAll else { return false }
                evaluation.addContext(item.description, since: start)
            }
            return valid
        case .anyOf(let schemas):
            if schemas.contains(where: { $0.isValid(instance, at: evaluation.path) }) { return true }
            if evaluation.collectsAll {
                let path = evaluation.path
                evaluation.report(.anyOf(branches: schemas.map { $0.violations(instance, at: path) }), at: instance.location)
            }
            return false
        case .oneOf(let schemas):
            let matching = schemas.indices.filter { schemas[$0].isValid(instance, at: evaluation.path) }
            if matching.count == 1 { return true }
            if matching.isEmpty {
                if evaluation.collectsAll {
                    let path = evaluation.path
                    evaluation.report(.oneOfNone(branches: schemas.map { $0.violations(instance, at: path) }), at: instance.location)
                }
            } else {
                evaluation.report(.oneOfMany(matching: matching), at: instance.location)
            }
            return false
        case .not(let schema):
            guard schema.isValid(instance, at: evaluation.path) else { return true }
            evaluation.report(.not, at: instance.location)
            return false
        case .conditional(let condition, let then, let otherwise, let description):
            let branch = condition.isValid(instance, at: evaluation.path) ? then : otherwise
            guard let branch else { return true }
            let start = evaluation.violations.count
            if branch.evaluate(instance, &evaluation) { return true }
            evaluation.addContext(description, since: start)
            return false
        case .reference(let target):
            return target.node!.evaluate(instance, &evaluation)
        }
    }

    private static func evaluateMembers(
        _ object: Object, _ properties: SchemaProperties, _ patterns: [PropertyPattern],
        _ additional: AdditionalProperties?, _ declaredNames: [String], _ evaluation: inout Evaluation
    ) -> Bool {
        // Members read in place, not copied out (a copy retains the key and the value).
        object.members.withUnsafeBufferPointer { members in
            var valid = true
            for position in members.indices {
                var covered = false
                if let schema = properties.schema(for: members[position].key, hash: object.keyHash(at: position)) {
                    covered = true
                    if !schema.evaluate(members[position].value, at: .key(members[position].key), &evaluation) {
                        valid = false
                        if !evaluation.collectsAll { return false }
                    }
                }
                if !patterns.isEmpty {
                    let key = members[position].key
                    let range = NSRange(location: 0, length: key.utf16.count)
                    for pattern in patterns where pattern.regex.firstMatch(in: key, range: range) != nil {
                        covered = true
                        if !pattern.schema.evaluate(members[position].value, at: .key(key), &evaluation) {
                            valid = false
                            if !evaluation.collectsAll { return false }
                        }
                    }
                }
                guard !covered, let additional else { continue }
                switch additional {
                case .forbidden:
                    valid = false
                    guard evaluation.collectsAll else { return false }
                    evaluation.path.append(.key(members[position].key))
                    evaluation.report(.additionalProperty(name: members[position].key, allowed: declaredNames), at: members[position].keyLocation)
                    evaluation.path.removeLast()
                case .schema(let schema):
                    if !schema.evaluate(members[position].value, at: .key(members[position].key), &evaluation) {
                        valid = false
                        if !evaluation.collectsAll { return false }
                    }
                }
            }
            return valid
        }
    }

    /// Exact for integers; for fractions the quotient may be off by rounding (0.0075 / 0.0001
    /// is 74.99999999999999), so near-whole quotients count. An infinite quotient never does.
    private static func isMultiple(_ instance: Value, of divisor: Double) -> Bool {
        if case .integer(let integer) = instance.kind, divisor.rounded() == divisor, divisor < 9.2e18 {
            return integer % Int(divisor) == 0
        }
        guard let number = instance.double else { return true }
        let quotient = number / divisor
        guard quotient.isFinite else { return false }
        return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient))
    }

    /// The first pair of equal items by JSON equality (1 equals 1.0; member order is ignored).
    private static func firstDuplicate(in elements: [Value]) -> (Int, Int)? {
        guard elements.count > 1 else { return nil }
        for duplicate in 1..<elements.count {
            for first in 0..<duplicate where elements[first] == elements[duplicate] { return (first, duplicate) }
        }
        return nil
    }
}
