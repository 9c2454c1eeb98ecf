import Testing
@testable import AlgoregKit

/// Our Mustache renderer: the behaviour the templates in `Templates/` rely on, and the spec's
/// rules for whitespace, partials and delimiters.
@Suite struct MustacheTests {
    func render(_ template: String, _ context: TemplateValue, partials: [String: String] = [:], root: String = "") throws -> String {
        var library: [String: MustacheTemplate] = [:]
        for (name, text) in partials { library[name] = try MustacheTemplate(text) }
        return String(decoding: MustacheRenderer.render(try MustacheTemplate(template), context: context, templates: library, root: root), as: UTF8.self)
    }

    func syntaxError(_ template: String) -> MustacheTemplate.SyntaxError? {
        do {
            _ = try MustacheTemplate(template)
            return nil
        } catch {
            return error
        }
    }

    @Test func doubleBracesEscapeHTMLAndTripleBracesDoNot() throws {
        let context: TemplateValue = ["name": "<b>Tom & \"Jerry\" 's</b>"]
        #expect(try render("{{name}}", context) == "&lt;b&gt;Tom &amp; &quot;Jerry&quot; &#39;s&lt;/b&gt;")
        #expect(try render("{{{name}}}|{{& name }}", context) == "<b>Tom & \"Jerry\" 's</b>|<b>Tom & \"Jerry\" 's</b>")
        #expect(try render("é{{name}}ü", ["name": "naïve 🙂"]) == "énaïve 🙂ü")
    }

    @Test func numbersBooleansAndMissingNames() throws {
        #expect(try render("{{n}} {{b}} [{{missing}}] [{{a.missing.deeper}}]", ["n": 42, "b": true, "a": ["x": 1]]) == "42 true [] []")
    }

    @Test func dottedNamesAndTheContextStack() throws {
        let context: TemplateValue = ["site": ["title": "Register"], "name": "outer",
                                      "items": [["name": "first"], ["other": 1]]]
        #expect(try render("{{site.title}}", context) == "Register")
        // A name not found in the item is looked up in the enclosing contexts.
        #expect(try render("{{#items}}{{name}},{{site.title}};{{/items}}", context) == "first,Register;outer,Register;")
        // A dotted name resolves its first part through the stack, the rest only inside it.
        #expect(try render("{{#items}}[{{site.missing}}]{{/items}}", context) == "[][]")
        #expect(try render("{{#list}}{{.}} {{/list}}", ["list": ["a", "<b>"]]) == "a &lt;b&gt; ")
    }

    @Test func sectionsFollowTheirValue() throws {
        let context: TemplateValue = ["yes": true, "no": false, "none": nil, "empty": [], "text": "", "object": ["x": "inside"]]
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#none}}0{{/none}}{{#empty}}E{{/empty}}", context) == "Y")
        #expect(try render("{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^none}}0{{/none}}{{^empty}}E{{/empty}}{{^missing}}M{{/missing}}", context) == "N0EM")
        // As with swift-mustache, which the templates were written for: any text opens a section.
        #expect(try render("{{#text}}T{{/text}}{{^text}}not{{/text}}", context) == "T")
        #expect(try render("{{#object}}{{x}}{{/object}}", context) == "inside")
    }

    @Test func tagsAloneOnTheirLineLeaveNoBlankLine() throws {
        let template = "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n  {{! a comment }}\n</ul>\r\n{{^items}}\r\nnone\r\n{{/items}}\r\n"
        #expect(try render(template, ["items": ["a", "b"]]) == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\r\n")
        // Two tags on a line, or text beside a tag, keep the line.
        #expect(try render(" {{#a}}{{/a}} \n", ["a": true]) == "  \n")
        #expect(try render("x {{#a}}\n{{/a}}", ["a": true]) == "x \n")
    }

    @Test func partialsAreIndentedLineByLineButNotTheirValues() throws {
        let partials = ["item": "<p>{{text}}</p>\n<p>end</p>\n"]
        #expect(try render("<div>\n  {{> item}}\n</div>\n", ["text": "a\nb"], partials: partials)
                == "<div>\n  <p>a\nb</p>\n  <p>end</p>\n</div>\n")
        #expect(try render("[{{>item}}]", ["text": "x"], partials: partials) == "[<p>x</p>\n<p>end</p>\n]")
        #expect(try render("[{{> missing}}]", [:]) == "[]")
    }

    @Test func delimitersCanBeChanged() throws {
        #expect(try render("{{=<% %>=}}<% name %> {{name}} <%={{ }}=%>{{name}}", ["name": "x"]) == "x {{name}} x")
    }

    @Test func relativeValuesTakeThePagesRoot() throws {
        let card: TemplateValue = ["url": .link("systems/a/"), "html": .relative(["<a href=\"", "systems/a/\">A</a>"])]
        #expect(try render("{{url}} {{{html}}}", card, root: "../../") == "../../systems/a/ <a href=\"../../systems/a/\">A</a>")
        #expect(try render("{{url}}", card) == "systems/a/")
    }

    @Test func syntaxErrorsSayWhereAndWhat() {
        let unclosed = syntaxError("line one\n  {{#items}}\n{{name}}\n")
        #expect(unclosed == .init(line: 2, column: 3, message: "the section `items` is opened but never closed"))
        let mismatched = syntaxError("{{#a}}\n{{/b}}")
        #expect(mismatched?.line == 2)
        #expect(mismatched?.message.contains("closed with a different name") == true)
        #expect(syntaxError("ok\né {{name")?.column == 3)
        #expect(syntaxError("{{/a}}")?.message == "the section `a` is closed but was never opened")
        #expect(syntaxError("{{=<%=}}")?.message.contains("set-delimiter") == true)
        #expect(syntaxError("{{<parent}}{{/parent}}")?.message.contains("not supported") == true)
        #expect(syntaxError("{{a b}}")?.message == "`a b` is not a name a tag can look up")
    }

    @Test func partialTagsAreListedWithTheirPosition() throws {
        let template = try MustacheTemplate("a\n  {{> partials/head}}\n{{>x}}")
        #expect(template.partials.map { "\($0.name)@\($0.line):\($0.column)" } == ["partials/head@2:3", "x@3:1"])
    }

    /// A name given twice keeps its first place and its last value, for small and large objects.
    @Test func aRepeatedNameKeepsItsPlaceAndTakesTheLastValue() throws {
        for size in [3, KeyIndex.tableFrom + 4] {
            let pairs = (0..<size).map { ("k\($0)", TemplateValue.number($0)) } + [("k1", TemplateValue.text("again")), ("k\(size - 1)", .bool(true))]
            let object = TemplateObject(pairs)
            #expect(object["k1"]?.string == "again")
            #expect((0..<size).allSatisfy { object["k\($0)"] != nil })
            let template = try MustacheTemplate("{{k0}}-{{k1}}-{{k\(size - 1)}}")
            #expect(String(decoding: MustacheRenderer.render(template, context: .object(object), templates: [:], root: ""), as: UTF8.self) == "0-again-true")
        }
    }

    /// Objects are values: setting a name on a copy leaves the original as it was, for small
    /// objects and for those large enough to have an index.
    @Test func objectsAreValuesOnBothSidesOfTheIndexThreshold() {
        for size in [3, KeyIndex.tableFrom + 4] {
            var original = TemplateObject((0..<size).map { ("k\($0)", TemplateValue.number($0)) })
            let copy = original
            original["k1"] = "changed"
            original["new"] = true
            original["k0"] = nil
            #expect(copy["k1"]?.string == nil && copy["new"] == nil && copy["k0"] != nil)
            #expect(original["k1"]?.string == "changed" && original["new"] != nil && original["k0"] == nil)
            #expect((0..<size).filter { original["k\($0)"] != nil }.count == size - 1)
            var grown = copy
            for extra in 0..<KeyIndex.tableFrom { grown["extra\(extra)"] = .number(extra) }
            #expect(grown["extra\(KeyIndex.tableFrom - 1)"] != nil && grown["k2"] != nil && copy["extra0"] == nil)
        }
    }
}

/// A page's key reads its whole context: values that differ in any way give other keys, and a
/// sealed object (a card) changed after sealing is read afresh.
@Suite struct TemplateDigestTests {
    func key(_ value: TemplateValue) -> PartKey {
        var digest = TemplateDigest()
        digest.add(value)
        return digest.key
    }

    @Test func differentContextsHaveDifferentKeys() {
        let values: [TemplateValue] = [
            "ab", ["a", "b"], ["ab"], [["a", "b"]], 1, "1", true, false, nil, [], .relative(["", "ab"]), .relative(["a", "b"]),
            ["a": "b"], ["b": "a"], ["a": "b", "c": "d"], ["c": "d", "a": "b"], ["a": ["b": "c"]], ["a": "bc"], ["ab": "c"],
        ]
        let keys = values.map(key)
        #expect(Set(keys.map { "\($0.first):\($0.second)" }).count == values.count, "\(keys)")
        #expect(key(["a": "b", "list": [1, 2]]) == key(["a": "b", "list": [1, 2]]), "the same context, the same key")
    }

    @Test func aSealedObjectKeepsItsKeyUntilItChanges() {
        let card: TemplateObject = ["name": "Pothole detection", "url": .link("systems/pothole-detection/")]
        let sealed = card.sealed()
        #expect(key(.object(sealed)) == key(.object(card.sealed())))
        #expect(key(.list([.object(sealed)])) == key(.list([.object(card.sealed())])))
        var changed = sealed
        changed["name"] = "Pothole detection, renamed"
        #expect(key(.object(changed)) != key(.object(sealed)))
        var inPlace = card.sealed()
        inPlace["name"] = "Pothole detection, renamed"
        #expect(key(.object(inPlace)) == key(.object(changed)), "changed in place, it is read afresh like a copy")
        #expect(key(.object(inPlace)) == key(["name": "Pothole detection, renamed", "url": .link("systems/pothole-detection/")]))
    }
}
