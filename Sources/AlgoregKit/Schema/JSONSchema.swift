/// A JSON Schema (draft 2020-12, local references only) compiled once, then used to
/// validate many instances. Immutable after `compile`, hence safe to share between tasks.
public final class JSONSchema: @unchecked Sendable {
    private let root: SchemaNode
    /// Owns every node: `$ref` links are unowned, so the tree can be cyclic without leaking.
    private let nodes: [SchemaNode]

    private init(root: SchemaNode, nodes: [SchemaNode]) {
        self.root = root
        self.nodes = nodes
    }

    /// Checks the schema itself and compiles it. Unknown keywords are reported but ignored;
    /// any other problem (bad shape, bad regex, dangling or unsupported reference) makes
    /// validation unreliable, so no schema is returned then.
    public static func compile(_ root: Value) -> (schema: JSONSchema?, problems: [SchemaProblem]) {
        var compiler = SchemaCompiler(root: root)
        let node = compiler.compileRoot()
        let problems = compiler.problems.sorted { $0.location < $1.location }
        guard !compiler.blocksValidation else { return (nil, problems) }
        return (JSONSchema(root: node, nodes: Array(compiler.nodesByPointer.values)), problems)
    }

    /// Every violation, in schema order within each value.
    public func validate(_ instance: Value) -> [SchemaViolation] {
        root.violations(instance, at: [])
    }

    /// Stops at the first failure; cheaper than `validate(_:).isEmpty`.
    public func isValid(_ instance: Value) -> Bool {
        root.isValid(instance, at: [])
    }
}
