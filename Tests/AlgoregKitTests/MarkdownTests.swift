import Testing
@testable import AlgoregKit

@Suite struct MarkdownTests {
    /// A plain paragraph skips cmark-gfm only where cmark-gfm would make the very same HTML.
    @Test func plainParagraphsMatchCmarkExactly() {
        let plain = [
            "Review phone monitors bridge report staff before water health.",
            "Camera response routes website answer priority\nofficer from advice school record.\n",
            "Costs 120 euros (per year); who pays? The city, not residents.\n\n",
            "Words like ünïcode stay as they are, 中文 too.",
            "A well-known review of the new system.",
        ]
        for text in plain {
            #expect(MarkdownRenderer.plainParagraph(text) != nil, "\(text) should take the fast path")
            #expect(MarkdownRenderer.html(text) == MarkdownRenderer.cmarkHTML(text, headingOffset: 0), "\(text)")
        }
        let markdown = [
            "1. A list", "- item", "# Heading", "> quote", "Hello *world*", "a `code` span", "see www.example.org",
            "wait...", "pages 1--3", "it's \"quoted\"", "two spaces  \nbreak", "trailing \nspace", "a | b", "x ~~y~~",
            "one\n\ntwo", "    indented", "Text\n===", "Text\n---", "mail me@example.org", "https://example.org",
            "a & b", "a < b", "[link](x)", "", "\n", "Line\n  indented", "WWW.EXAMPLE.ORG",
        ]
        for text in markdown {
            #expect(MarkdownRenderer.plainParagraph(text) == nil, "\(text) should go through cmark")
        }
    }

    @Test func randomTextsTakeTheFastPathOnlyWhenCmarkAgrees() {
        let alphabet = Array("aAbwWz09 .,;-()?\n!'\"*_`[]#>|~:@&<1.é")
        var generator = SeededGenerator(seed: 20261125)
        var fast = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...40, using: &generator)
            // Mostly letters and spaces, so that many texts are plain.
            let text = String((0..<length).map { _ in
                Int.random(in: 0..<4, using: &generator) == 0 ? alphabet.randomElement(using: &generator)! : "abc de"
                    .randomElement(using: &generator)!
            })
            guard let paragraph = MarkdownRenderer.plainParagraph(text) else { continue }
            fast += 1
            #expect(paragraph == MarkdownRenderer.cmarkHTML(text, headingOffset: 0), "\(text.debugDescription)")
        }
        #expect(fast > 2_000, "only \(fast) texts took the fast path")
    }

    /// The whole text goes to cmark, which shows a NUL byte as U+FFFD (CommonMark's rule):
    /// nothing after one is dropped.
    @Test func textAfterANulByteIsRendered() {
        let html = MarkdownRenderer.html("Before\u{0} and *after*.\n\n- item\n")
        #expect(html == "<p>Before\u{FFFD} and <em>after</em>.</p>\n<ul>\n<li>item</li>\n</ul>\n")
    }

    /// A system page's untranslated fields and description are rendered once for all its pages.
    @Test func memoRendersEachFieldSlotAndTheBodyOnce() {
        let memo = MarkdownMemo()
        var renders = 0
        func render(_ html: String) -> () -> String { { renders += 1; return html } }
        #expect(memo.field(3, render: render("<p>three</p>")) == "<p>three</p>")
        #expect(memo.field(0, render: render("<p>zero</p>")) == "<p>zero</p>")
        #expect(memo.field(3, render: render("other")) == "<p>three</p>")
        #expect(memo.body(render: render("<p>body</p>")) == "<p>body</p>")
        #expect(memo.body(render: render("other")) == "<p>body</p>")
        #expect(memo.field(0, render: render("other")) == "<p>zero</p>")
        #expect(renders == 3)
    }

    @Test func memoKeepsTextsApartByHeadingOffset() {
        let memo = MarkdownMemo()
        let text = "A *list*:\n\n- one\n- two\n"
        #expect(memo.html(text) == MarkdownRenderer.html(text))
        #expect(memo.html(text, headingOffset: 1) == MarkdownRenderer.html(text, headingOffset: 1))
        #expect(memo.html("# Title", headingOffset: 1) == "<h2>Title</h2>\n")
        #expect(memo.html("# Title") == "<h1>Title</h1>\n")
    }
}

/// SplitMix64: the same texts on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
