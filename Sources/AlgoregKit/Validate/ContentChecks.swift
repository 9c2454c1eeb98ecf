import Foundation

/// Checks beyond the schema: links, placeholders, review dates, departments, duplicates.
enum ContentChecks {
    static let allowedSchemes: Set<String> = ["http", "https", "mailto"]

    /// Checks one entry's (or translation's) values. `onlyText` skips checks on shared fields.
    static func perEntry(_ document: Document, schema: EntrySchema, today: String, onlyText: Bool = false) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let file = document.file.displayPath
        // Every text value: links and placeholders. The value's path is kept as its keys and
        // joined only for a message; the web-address fields are followed as a tree of keys.
        var keys: [String] = []
        func visit(_ value: Value, uri: EntrySchema.URIPaths?) {
            switch value.kind {
            case .string(let text):
                var bytes = text
                let (found, startsWithFillIn) = bytes.withUTF8 { (scan($0), startsWithFillInMarker($0)) }
                let isWholeLink = uri?.isURI ?? false
                if isWholeLink || found.mayHoldLink {
                    problems += checkLinks(in: text, file: file, at: value.location, isWholeLink: isWholeLink)
                }
                if found.placeholder != nil { problems += checkPlaceholder(text, file: file, at: value.location) }
                if startsWithFillIn { problems += checkFillIn(text, field: keys.joined(separator: "."), file: file, at: value.location) }
            case .array(let items): for item in items { visit(item, uri: uri) }
            case .object(let object):
                for member in object.members {
                    keys.append(member.key)
                    visit(member.value, uri: uri?.children[member.key])
                    keys.removeLast()
                }
            default: break
            }
        }
        let fields = document.fields
        visit(Value(.object(fields)), uri: schema.uriPathTree)
        // The body: links and placeholders at their line in the file. Most lines have neither,
        // so a byte scan decides which lines are worth a closer look.
        var body = document.body
        body.withUTF8 { bytes in
            var lineStart = 0
            var lineNumber = document.bodyLine
            while lineStart <= bytes.count {
                // `memchr`: the collection's `firstIndex(of:)` compares a byte at a time.
                var end = bytes.count
                if let base = bytes.baseAddress, let newline = memchr(base + lineStart, 0x0A, bytes.count - lineStart) {
                    end = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base
                }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<end])
                let found = scan(line, colons: true)
                if found.mayHoldLink || found.placeholder != nil {
                    let text = String(decoding: line, as: UTF8.self)
                    let location = SourceLocation(line: lineNumber, column: 1)
                    problems += checkLinks(in: text, file: file, at: location, isWholeLink: false, lineIsExact: true)
                    problems += checkPlaceholder(text, file: file, at: location, lineIsExact: true)
                    problems += checkFillIn(text, field: nil, file: file, at: location)
                }
                lineNumber += 1
                lineStart = end + 1
            }
        }
        if !onlyText, let revision = fields["revision_date"], let date = revision.string,
           date.count == 10, date < today, !(fields["status"]?.string == "retired") {
            problems.append(Diagnostic(file: file, location: revision.location, severity: .warning, code: .revisionOverdue,
                message: "The review of this entry was due on \(date) and has not been recorded.",
                fix: "Check that the entry is still correct, update `last_change_date`, and set `revision_date` to the next review date."))
        }
        return problems
    }

    /// Links whose scheme is not http, https or mailto (e.g. `javascript:`, `file:`).
    static func checkLinks(in text: String, file: String, at location: SourceLocation, isWholeLink: Bool, lineIsExact: Bool = false) -> [Diagnostic] {
        var targets: [(String, Int)] = []
        if isWholeLink {
            targets.append((text.trimmed, 0))
        } else if text.utf8.contains(where: { $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: "<") }) {
            targets = linkTargets(in: text)
        }
        return targets.compactMap { target, offset in
            guard let colon = target.firstIndex(of: ":") else { return nil }
            let scheme = target[..<colon].lowercased()
            guard !scheme.isEmpty, isSchemeLike(scheme), !allowedSchemes.contains(scheme) else { return nil }
            let position = lineIsExact ? SourceLocation(line: location.line, column: location.column + offset) : location
            return Diagnostic(file: file, location: position, code: .unsafeLink,
                message: "The link `\(target.prefix(60))` uses `\(scheme):`; only https, http and mailto links are published.",
                fix: "Link to a web page (`https://...`) or an e-mail address (`mailto:...`).")
        }
    }

    /// Letters, digits, `+`, `-` and `.`: checked byte by byte for ASCII (nearly every scheme),
    /// by Unicode's letter and number tables otherwise.
    static func isSchemeLike(_ scheme: String) -> Bool {
        if scheme.utf8.allSatisfy({ $0 < 0x80 }) {
            return scheme.utf8.allSatisfy { byte in
                (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
        }
        return scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
    }

    /// The targets of `[text](target)` links, `<scheme:...>` autolinks and `[label]: target`
    /// definitions, each with its offset in Unicode scalars. A byte scan: it runs on every text
    /// value and body line, where a regular expression was most of `validate`'s time.
    static func linkTargets(in text: String) -> [(String, Int)] {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "]")) || bytes.contains(UInt8(ascii: "<")) else { return [] }
        var targets: [(String, Int)] = []
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        /// Reads a target from `start`, skipping spaces and an opening `<`.
        func target(from start: Int, stopAt stops: Set<UInt8>) {
            var begin = start
            while begin < bytes.count, isSpace(bytes[begin]) { begin += 1 }
            if begin < bytes.count, bytes[begin] == UInt8(ascii: "<") { begin += 1 }
            var end = begin
            while end < bytes.count, !isSpace(bytes[end]), !stops.contains(bytes[end]) { end += 1 }
            guard end > begin else { return }
            let offset = String(decoding: bytes[0..<begin], as: UTF8.self).unicodeScalars.count
            targets.append((String(decoding: bytes[begin..<end], as: UTF8.self), offset))
        }
        // A reference definition: up to three spaces, `[label]:`, then the target.
        var indent = 0
        while indent < bytes.count, indent < 3, bytes[indent] == 0x20 { indent += 1 }
        if indent < bytes.count, bytes[indent] == UInt8(ascii: "["),
           let close = bytes[indent...].firstIndex(of: UInt8(ascii: "]")), close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: ":") {
            target(from: close + 2, stopAt: [UInt8(ascii: ">")])
            return targets
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "]"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "(") {
                target(from: index + 2, stopAt: [UInt8(ascii: ")"), UInt8(ascii: ">")])
            } else if byte == UInt8(ascii: "<") {
                // An autolink: a scheme of 2-32 letters, digits, + . - and a colon, up to `>`.
                var end = index + 1
                while end < bytes.count, end - index <= 33,
                      (bytes[end] | 0x20 >= 0x61 && bytes[end] | 0x20 <= 0x7A) || (bytes[end] >= 0x30 && bytes[end] <= 0x39)
                        || bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "-") {
                    end += 1
                }
                if end - index >= 3, end < bytes.count, bytes[end] == UInt8(ascii: ":"), bytes[index + 1] | 0x20 >= 0x61, bytes[index + 1] | 0x20 <= 0x7A,
                   let close = bytes[end...].firstIndex(where: { $0 == UInt8(ascii: ">") || isSpace($0) }), bytes[close] == UInt8(ascii: ">") {
                    let offset = String(decoding: bytes[0..<(index + 1)], as: UTF8.self).unicodeScalars.count
                    targets.append((String(decoding: bytes[(index + 1)..<close], as: UTF8.self), offset))
                }
            }
            index += 1
        }
        return targets
    }


    /// Finds a placeholder word (any case, as a whole word) with a byte scan: this runs on
    /// every text value and body line of the register, so it avoids regular expressions.
    static func findPlaceholder(in text: String) -> (word: String, offset: Int)? {
        var text = text
        return text.withUTF8 { bytes in
            guard let match = scan(bytes).placeholder else { return nil }
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[match]), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[..<match.lowerBound]), as: UTF8.self).unicodeScalars.count)
        }
    }

    /// What `scan` needs to know of a byte, one table look-up per byte instead of a chain of
    /// comparisons: this runs over every text value and body line of the register.
    private static let wordByte: UInt8 = 1, linkByte: UInt8 = 2, colonByte: UInt8 = 4, placeholderStart: UInt8 = 8
    private static let byteClasses: [UInt8] = (0...255).map { value -> UInt8 in
        let byte = UInt8(value)
        var classes: UInt8 = 0
        if (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte >= 0x80 { classes |= wordByte }
        if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "<") { classes |= linkByte }
        if byte == UInt8(ascii: ":") { classes |= colonByte }
        if [UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "l")].contains(byte | 0x20) { classes |= placeholderStart }
        return classes
    }

    /// One pass over a text: whether it holds a byte every link needs (`]` or `<`, and `:` with
    /// `colons`), and where the first placeholder word is (only words starting with t, f or l
    /// are compared).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, colons: Bool = false) -> (mayHoldLink: Bool, placeholder: Range<Int>?) {
        byteClasses.withUnsafeBufferPointer { classes in
            /// The lowercase `word` (a space matches only a space) as a whole word at `index`.
            @inline(__always) func matches(_ word: StaticString, at index: Int) -> Bool {
                let count = word.utf8CodeUnitCount
                guard index + count <= bytes.count else { return false }
                let letters = word.utf8Start
                for position in 0..<count {
                    let expected = letters[position]
                    if bytes[index + position] | (expected == 0x20 ? 0 : 0x20) != expected { return false }
                }
                return index + count == bytes.count || classes[Int(bytes[index + count])] & wordByte == 0
            }
            let linkClasses = colons ? linkByte | colonByte : linkByte
            var mayHoldLink = false
            var placeholder: Range<Int>?
            var previousIsWord = false
            for index in bytes.indices {
                let byte = bytes[index]
                let found = classes[Int(byte)]
                if found & linkClasses != 0 { mayHoldLink = true }
                if found & placeholderStart != 0, !previousIsWord, placeholder == nil {
                    switch byte | 0x20 {
                    case UInt8(ascii: "t"):
                        if matches("todo", at: index) { placeholder = index..<(index + 4) }
                        else if matches("tbd", at: index) { placeholder = index..<(index + 3) }
                    case UInt8(ascii: "f"):
                        if matches("fixme", at: index) { placeholder = index..<(index + 5) }
                    default:
                        if matches("lorem ipsum", at: index) { placeholder = index..<(index + 11) }
                    }
                }
                previousIsWord = found & wordByte != 0
            }
            return (mayHoldLink, placeholder)
        }
    }

    static func checkPlaceholder(_ text: String, file: String, at location: SourceLocation, lineIsExact: Bool = false) -> [Diagnostic] {
        guard let (word, offset) = findPlaceholder(in: text) else { return [] }
        let position = lineIsExact ? SourceLocation(line: location.line, column: location.column + offset) : location
        return [Diagnostic(file: file, location: position, severity: .warning, code: .placeholderText,
            message: "Placeholder text `\(word)` is still here.",
            fix: "Replace it with the real information before publishing.")]
    }

    /// The marker `algoreg new` writes for every required field (`NewEntry.placeholderMarker`).
    static func checkFillIn(_ text: String, field: String?, file: String, at location: SourceLocation) -> [Diagnostic] {
        var bytes = text
        guard bytes.withUTF8(startsWithFillInMarker) else { return [] }
        let what = field.map { "`\($0)` still has" } ?? "The description still has"
        return [Diagnostic(file: file, location: location, code: .placeholderLeft,
            message: "\(what) the placeholder text that `algoreg new` wrote.",
            fix: "Replace `\(text.trimmingCharacters(in: .whitespaces).prefix(60))` with the real information; the comment above the field says what is asked.")]
    }

    private static let fillInMarker = Array(NewEntry.placeholderMarker.utf8)

    /// Whether the text starts, after spaces and tabs, with the marker `algoreg new` writes.
    static func startsWithFillInMarker(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        return bytes.count - start >= fillInMarker.count && fillInMarker.indices.allSatisfy { bytes[start + $0] == fillInMarker[$0] }
    }

    /// A name as two entries' names are compared: lowercase, runs of white space as one space,
    /// none at either end. ASCII names (most) are done byte by byte.
    static func comparableName(_ text: String) -> String {
        var text = text
        return text.withUTF8 { source in
            guard source.allSatisfy({ $0 < 0x80 }) else {
                return String(decoding: source, as: UTF8.self).lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            }
            // Written into the new text's storage, from the old one's bytes.
            return String(unsafeUninitializedCapacity: source.count) { output in
                var count = 0
                var pendingSpace = false
                for byte in source {
                    if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                        pendingSpace = count > 0
                        continue
                    }
                    if pendingSpace { output[count] = 0x20; count += 1 }
                    pendingSpace = false
                    output[count] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                    count += 1
                }
                return count
            }
        }
    }

    /// Departments, duplicate ids and duplicate names across the register.
    static func registerWide(entries: [EntryFile], settings: Settings?) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        // The first file (by path) with each id and each name.
        var firstByID: [String: String] = [:]
        var firstByName: [String: String] = [:]
        firstByID.reserveCapacity(entries.count)
        firstByName.reserveCapacity(entries.count)
        let known = settings.map { Set($0.departments.map(\.id)) }
        // The loader gives them in path order already; sorting is for other callers.
        // By position: each entry copied (to compare, then to read) was a dozen reference counts.
        func path(_ position: Int) -> String { entries[position].document.file.displayPath }
        let inOrder = entries.indices.dropFirst().allSatisfy { path($0 - 1) <= path($0) } ? Array(entries.indices) : entries.indices.sorted { path($0) < path($1) }
        for position in inOrder {
            let fields = entries[position].document.lazyFields
            let file = path(position)
            let id = entries[position].id
            // One look-up each for a new id or name (nearly all): the first is put back when there was one.
            if let first = firstByID.updateValue(file, forKey: id) {
                firstByID[id] = first
                problems.append(Diagnostic(file: file, location: nil, code: .duplicateID,
                    message: "Two entries have the id `\(id)`: this file and `\(first)`.",
                    fix: "Rename one of the files; ids are file names and must be unique in the register."))
            }
            if let name = fields["name"], let text = name.string {
                let key = comparableName(text)
                if let first = firstByName.updateValue(file, forKey: key) {
                    firstByName[key] = first
                    problems.append(Diagnostic(file: file, location: name.location, code: .duplicateName,
                        message: "Another entry already has the name \"\(text)\": `\(first)`.",
                        fix: "Give each system a distinct name, e.g. add where or how it is used."))
                }
            }
            if let known, let department = fields["department"], let id = department.string, !known.contains(id) {
                problems.append(Diagnostic(file: file, location: department.location, code: .unknownDepartment,
                    message: "The department `\(id)` is not declared in register.yaml.",
                    fix: (Suggest.closest(to: id, in: Array(known)).map { "Did you mean `\($0)`? " } ?? "")
                        + "Declared departments: \(known.sorted().map { "`\($0)`" }.joined(separator: ", ")); add a new one under `departments` in register.yaml."))
            }
        }
        return problems
    }
}
