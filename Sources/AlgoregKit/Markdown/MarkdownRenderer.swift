import CCmarkGFM
import Foundation

/// Markdown to HTML with cmark-gfm in safe mode: raw HTML is dropped and links other than
/// http(s), mailto and in-page anchors are removed, whatever the content says.
public enum MarkdownRenderer {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// The GFM extensions, registered and looked up once per process: a system page renders
    /// dozens of texts, and finding each extension by name took a C string per name each time.
    /// Once registered, cmark only reads them, so every thread may share them.
    nonisolated(unsafe) private static let extensions: [OpaquePointer] = {
        cmark_gfm_core_extensions_ensure_registered()
        return extensionNames.compactMap { cmark_find_syntax_extension($0) }
    }()

    /// `headingOffset` demotes headings (1 turns `#` into `<h2>`), so a description's headings
    /// sit below the page's own section headings.
    public static func html(_ markdown: String, headingOffset: Int = 0) -> String {
        plainParagraph(markdown) ?? cmarkHTML(markdown, headingOffset: headingOffset)
    }

    static func cmarkHTML(_ markdown: String, headingOffset: Int) -> String {
        let extensions = Self.extensions
        let options = CMARK_OPT_SAFE | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | CMARK_OPT_SMART
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for syntaxExtension in extensions { cmark_parser_attach_syntax_extension(parser, syntaxExtension) }
        var markdown = markdown
        markdown.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        adjustNodes(document, headingOffset: headingOffset)
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Demotes headings, and removes link targets other than web, e-mail and in-page links
    /// (cmark's safe mode removes only `javascript:`, `vbscript:`, `file:` and most `data:`).
    private static func adjustNodes(_ document: OpaquePointer, headingOffset: Int) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HEADING, headingOffset > 0, cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER {
                cmark_node_set_heading_level(node, min(6, cmark_node_get_heading_level(node) + Int32(headingOffset)))
                continue
            }
            guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let url = cmark_node_get_url(node) else { continue }
            if !isAllowed(String(cString: url)) { cmark_node_set_url(node, "") }
        }
    }

    /// The HTML cmark-gfm makes of a text that can only be one paragraph of words, without
    /// running it: most short fields are that, and a parser per field costs more than the text.
    /// Anything that could be Markdown syntax, a smart quote or dash, an autolink or need
    /// escaping returns nil and goes through cmark; `MarkdownTests` compares the two.
    static func plainParagraph(_ markdown: String) -> String? {
        // Over the contiguous bytes: the UTF-8 view's iterator cost more than the checks.
        var markdown = markdown
        return markdown.withUTF8 { bytes in plainParagraph(bytes) }
    }

    private static func plainParagraph(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let text = UnsafeBufferPointer(rebasing: bytes[..<end])
        guard !text.isEmpty else { return nil }
        var lineStart = true
        // The last three bytes, lowercased ASCII letters, to spot `www.`.
        var lastThree: UInt32 = 0
        var previous: UInt8 = 0
        for byte in text {
            if lineStart {
                // A letter first: no list, heading, quote, fence, table, HTML or indented code.
                guard (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") else { return nil }
                lineStart = false
            }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "?"), 0x80...0xFF:
                break
            case UInt8(ascii: " "):
                // Two spaces could end a line with a hard break; one before a line end is dropped.
                if previous == UInt8(ascii: " ") { return nil }
            case UInt8(ascii: "."), UInt8(ascii: "-"):
                // `...` and `--` turn into an ellipsis and dashes; `www.` into a link.
                if previous == byte || (byte == UInt8(ascii: ".") && lastThree == 0x77_77_77) { return nil }
            case UInt8(ascii: "\n"):
                if previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\n") { return nil }
                lineStart = true
            default:
                return nil
            }
            previous = byte
            lastThree = (lastThree << 8 | UInt32(byte | 0x20)) & 0xFF_FF_FF
        }
        if previous == UInt8(ascii: " ") { return nil }
        return "<p>" + String(decoding: text, as: UTF8.self) + "</p>\n"
    }

    static func isAllowed(_ url: String) -> Bool {
        let bytes = url.utf8
        // The scheme is what comes before a `:` that comes before any `/`, `?` or `#`; relative
        // and in-page links have none.
        guard let end = bytes.firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
              bytes[end] == UInt8(ascii: ":") else { return true }
        let scheme = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        if scheme == "mailto" { return true }
        return (scheme == "https" || scheme == "http") && bytes[bytes.index(after: end)...].starts(with: "//".utf8)
    }
}

/// Remembers what it rendered for one system, across its pages in every language.
/// A field the page's language does not translate has the default language's value, and most
/// fields render the same in every language: those are rendered once and found by the field's
/// name (`field`), without hashing their text. Other Markdown is remembered by its text.
final class MarkdownMemo {
    /// Searched in order: a system holds a few dozen texts, and comparing them (which stops at
    /// the first differing byte) costs less than hashing kilobytes of Markdown for a dictionary.
    /// Past `remembered` texts nothing more is kept, so a memo used for more never grows slow.
    private var rendered: [(markdown: String, headingOffset: Int, html: String)] = []
    /// By the field's place on the page: no key to hash, and no table to grow field by field.
    private var fields: [String?] = []
    private var bodyHTML: String?
    static let remembered = 128

    func html(_ markdown: String, headingOffset: Int = 0) -> String {
        // Lengths first: they are stored, and most texts of a system differ in length.
        let length = markdown.utf8.count
        if let found = rendered.first(where: { $0.headingOffset == headingOffset && $0.markdown.utf8.count == length && $0.markdown == markdown }) {
            return found.html
        }
        let html = MarkdownRenderer.html(markdown, headingOffset: headingOffset)
        if rendered.count < Self.remembered { rendered.append((markdown, headingOffset, html)) }
        return html
    }

    /// The HTML of an untranslated field whose rendering does not depend on the language;
    /// `slot`: the field's place among the fields a system page shows.
    func field(_ slot: Int, render: () -> String) -> String {
        if slot < fields.count, let found = fields[slot] { return found }
        let html = render()
        if slot >= fields.count { fields += Array(repeating: nil, count: slot + 1 - fields.count) }
        fields[slot] = html
        return html
    }

    /// The HTML of the untranslated description.
    func body(render: () -> String) -> String {
        if let bodyHTML { return bodyHTML }
        let html = render()
        bodyHTML = html
        return html
    }
}
