import CCmarkGFM
import Foundation

/// Markdown to HTML with cmark-gfm in safe mode: raw HTML is dropped and links other than
/// http(s), mailto and in-page anchors are removed, whatever the content says.
public enum MarkdownRenderer {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// Registers the GFM extensions once per process.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// `headingOffset` demotes headings (1 turns `#` into `<h2>`), so a description's headings
    /// sit below the page's own section headings.
    public static func html(_ markdown: String, headingOffset: Int = 0) -> String {
        _ = registered
        let options = CMARK_OPT_SAFE | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES | CMARK_OPT_SMART
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
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
