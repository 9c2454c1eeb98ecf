/// Charts of the annual report as inline SVG, made here: no chart library, no script. Every
/// chart has `role="img"` with a `<title>` and `<desc>` (the same numbers in words), and the
/// page shows the data table beside it. Marks are drawn in `currentColor` and told apart by
/// pattern, never by colour alone, so they survive print and forced-colors mode.
enum ReportCharts {
    struct Item {
        var label: String
        var value: Int
    }

    static let width = 640
    static let barHeight = 22
    static let gap = 8
    static let labelWidth = 270

    /// Horizontal bars, one per item, with the value written after each bar.
    static func bars(id: String, title: String, items: [Item]) -> String {
        let maximum = max(items.map(\.value).max() ?? 0, 1)
        let height = items.count * (barHeight + gap) + gap
        let barSpace = width - labelWidth - 60
        var svg = open(id: id, title: title, desc: describe(items), height: height)
        for (index, item) in items.enumerated() {
            let y = gap + index * (barHeight + gap)
            let length = item.value == 0 ? 0 : max(2, item.value * barSpace / maximum)
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + barHeight / 2 + 5)\" text-anchor=\"end\">\(HTML.escape(truncated(item.label)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(barHeight)\" fill=\"currentColor\"/>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + barHeight / 2 + 5)\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// One bar split into segments (e.g. actions per status), each with its own pattern, and a
    /// legend that repeats the pattern next to each label and count.
    static func stacked(id: String, title: String, items: [Item]) -> String {
        let total = items.map(\.value).reduce(0, +)
        let legendRows = items.count
        let height = 40 + 16 + legendRows * 26
        var svg = open(id: id, title: title, desc: describe(items), height: height)
        svg += "<defs>"
        for index in items.indices { svg += pattern(index, id: id) }
        svg += "</defs>"
        var x = 0
        for (index, item) in items.enumerated() where item.value > 0 && total > 0 {
            let length = index == items.indices.last(where: { items[$0].value > 0 }) ? width - x : item.value * width / total
            svg += "<rect x=\"\(x)\" y=\"0\" width=\"\(length)\" height=\"40\" fill=\"url(#\(id)-p\(index))\" stroke=\"currentColor\" stroke-width=\"2\"/>"
            x += length
        }
        for (index, item) in items.enumerated() {
            let y = 56 + index * 26
            svg += "<rect x=\"1\" y=\"\(y)\" width=\"30\" height=\"18\" fill=\"url(#\(id)-p\(index))\" stroke=\"currentColor\" stroke-width=\"2\"/>"
            svg += "<text x=\"40\" y=\"\(y + 14)\">\(HTML.escape(item.label)): \(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// Solid, diagonal hatching, dots, cross-hatching, horizontal lines, then empty.
    static func pattern(_ index: Int, id: String) -> String {
        let name = "\(id)-p\(index)"
        let head = "<pattern id=\"\(name)\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
        let body: String
        switch index % 6 {
        case 0: body = "<rect width=\"8\" height=\"8\" fill=\"currentColor\"/>"
        case 1: body = "<path d=\"M0 8L8 0M-2 2L2 -2M6 10L10 6\" stroke=\"currentColor\" stroke-width=\"1.5\"/>"
        case 2: body = "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"currentColor\"/>"
        case 3: body = "<path d=\"M0 0L8 8M8 0L0 8\" stroke=\"currentColor\" stroke-width=\"1.2\"/>"
        case 4: body = "<path d=\"M0 4H8\" stroke=\"currentColor\" stroke-width=\"1.5\"/>"
        default: body = ""
        }
        return head + body + "</pattern>"
    }

    static func open(id: String, title: String, desc: String, height: Int) -> String {
        "<svg class=\"chart\" id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title id=\"\(id)-title\">\(HTML.escape(title))</title><desc id=\"\(id)-desc\">\(HTML.escape(desc))</desc>"
    }

    static func describe(_ items: [Item]) -> String {
        items.map { "\($0.label): \($0.value)" }.joined(separator: "; ") + "."
    }

    static func truncated(_ label: String) -> String {
        label.count > 30 ? String(label.prefix(29)) + "…" : label
    }
}
