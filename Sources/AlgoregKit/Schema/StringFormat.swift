/// The `format` values Algoreg asserts; any other format is an annotation and ignored.
enum StringFormat: String {
    case date
    case dateTime = "date-time"
    case email
    case uri

    enum Outcome {
        case valid
        case malformed
        /// Shaped like a date, but the day does not exist.
        case impossibleDate
    }

    func check(_ text: String) -> Outcome {
        let bytes = Array(text.utf8)
        switch self {
        case .date: return Self.checkDate(bytes[...])
        case .dateTime: return Self.checkDateTime(bytes)
        case .email: return Self.isEmail(bytes) ? .valid : .malformed
        case .uri: return Self.isURI(bytes) ? .valid : .malformed
        }
    }

    // MARK: RFC 3339

    /// full-date = 4DIGIT "-" 2DIGIT "-" 2DIGIT, on the proleptic Gregorian calendar.
    private static func checkDate(_ bytes: ArraySlice<UInt8>) -> Outcome {
        guard bytes.count == 10 else { return .malformed }
        let start = bytes.startIndex
        guard bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return .malformed }
        guard (1...12).contains(month), day >= 1, day <= 31 else { return .malformed }
        return day <= daysIn(month: month, year: year) ? .valid : .impossibleDate
    }

    /// date-time = full-date "T" partial-time time-offset, where a leap second is only
    /// allowed at 23:59:60 UTC.
    private static func checkDateTime(_ bytes: [UInt8]) -> Outcome {
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return .malformed }
        let date = checkDate(bytes[0..<10])
        guard bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = number(bytes[...], 11, 2), let minute = number(bytes[...], 14, 2),
              let second = number(bytes[...], 17, 2), hour <= 23, minute <= 59, second <= 60
        else { return .malformed }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart, index < bytes.count else { return .malformed }
        }
        var offsetMinutes = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return .malformed }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let offsetHour = number(bytes[...], index + 1, 2), let offsetMinute = number(bytes[...], index + 4, 2),
                  offsetHour <= 23, offsetMinute <= 59
            else { return .malformed }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return .malformed
        }
        if second == 60 {
            let utcMinuteOfDay = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            guard utcMinuteOfDay == 23 * 60 + 59 else { return .malformed }
        }
        return date
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The decimal value of exactly `length` ASCII digits at `offset` from the slice start.
    private static func number(_ bytes: ArraySlice<UInt8>, _ offset: Int, _ length: Int) -> Int? {
        let start = bytes.startIndex + offset
        guard start + length <= bytes.endIndex else { return nil }
        var value = 0
        for byte in bytes[start..<start + length] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
    }

    // MARK: RFC 5321 mailbox

    /// local-part "@" domain, where the local part is a dot-atom or a quoted string and the
    /// domain a host name or an address literal in brackets.
    private static func isEmail(_ bytes: [UInt8]) -> Bool {
        var index = 0
        if bytes.first == UInt8(ascii: "\"") {
            index = 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                guard index < bytes.count, bytes[index] >= 0x20, bytes[index] < 0x7F else { return false }
                index += 1
            }
            guard index < bytes.count else { return false }
            index += 1
        } else {
            while index < bytes.count, bytes[index] != UInt8(ascii: "@") { index += 1 }
            guard isDotAtom(bytes[0..<index]) else { return false }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "@") else { return false }
        let domain = bytes[(index + 1)...]
        if domain.first == UInt8(ascii: "["), domain.last == UInt8(ascii: "]") {
            let literal = Array(domain.dropFirst().dropLast())
            if literal.starts(with: Array("IPv6:".utf8)) { return isIPv6(literal[5...]) }
            return isIPv4(literal[...])
        }
        return isHostName(domain)
    }

    private static let atomSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    private static func isDotAtom(_ bytes: ArraySlice<UInt8>) -> Bool {
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { isAlpha($0) || isDigit($0) || atomSymbols.contains($0) }
        }
    }

    private static func isHostName(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// Four decimal numbers 0–255 without leading zeros.
    private static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(isDigit),
                  part.count == 1 || part.first != UInt8(ascii: "0")
            else { return false }
            return Int(String(decoding: part, as: UTF8.self))! <= 255
        }
    }

    /// Up to eight hex groups with at most one "::", optionally ending in an IPv4 address.
    private static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        let text = Array(bytes)
        var halves: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < text.count {
            if text[index] == UInt8(ascii: ":"), index + 1 < text.count, text[index + 1] == UInt8(ascii: ":") {
                halves.append(current)
                current = []
                index += 2
                if halves.count > 1 { return false }
            } else {
                current.append(text[index])
                index += 1
            }
        }
        halves.append(current)
        var groupCount = 0
        for (halfIndex, half) in halves.enumerated() {
            if half.isEmpty { continue }
            let groups = half.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            for (groupIndex, group) in groups.enumerated() {
                let isLast = halfIndex == halves.count - 1 && groupIndex == groups.count - 1
                if isLast, group.contains(UInt8(ascii: ".")) {
                    guard isIPv4(group) else { return false }
                    groupCount += 2
                } else {
                    guard (1...4).contains(group.count), group.allSatisfy(isHex) else { return false }
                    groupCount += 1
                }
            }
        }
        return halves.count == 2 ? groupCount <= 7 : groupCount == 8
    }

    // MARK: RFC 3986 absolute URI

    private static let unreservedSymbols = Set("-._~".utf8)
    private static let subDelimiters = Set("!$&'()*+,;=".utf8)

    private static func isUnreservedOrSubDelimiter(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || unreservedSymbols.contains(byte) || subDelimiters.contains(byte)
    }

    /// Whether every byte is allowed by `allowed` or is part of a complete %XX escape.
    private static func isEncoded(_ bytes: ArraySlice<UInt8>, allowing allowed: (UInt8) -> Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
            } else {
                guard allowed(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    /// scheme ":" hier-part [ "?" query ] [ "#" fragment ]; relative references are not URIs.
    private static func isURI(_ bytes: [UInt8]) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, isAlpha(bytes[0]),
              bytes[1..<colon].allSatisfy({ isAlpha($0) || isDigit($0) || "+-.".utf8.contains($0) })
        else { return false }
        var rest = bytes[(colon + 1)...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isEncoded(rest[(hash + 1)...], allowing: { isPathCharacter($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
            else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isEncoded(rest[(question + 1)...], allowing: { isPathCharacter($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
            else { return false }
            rest = rest[..<question]
        }
        if rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
            let authorityStart = rest.startIndex + 2
            let authorityEnd = rest[authorityStart...].firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            guard isAuthority(rest[authorityStart..<authorityEnd]) else { return false }
            rest = rest[authorityEnd...]
        }
        return isEncoded(rest, allowing: { isPathCharacter($0) || $0 == UInt8(ascii: "/") })
    }

    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreservedOrSubDelimiter(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
    }

    /// [ userinfo "@" ] host [ ":" port ], host being a reg-name or a bracketed IP literal.
    private static func isAuthority(_ bytes: ArraySlice<UInt8>) -> Bool {
        var hostPort = bytes
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            guard isEncoded(bytes[..<at], allowing: { isUnreservedOrSubDelimiter($0) || $0 == UInt8(ascii: ":") }) else { return false }
            hostPort = bytes[(at + 1)...]
        }
        var port: ArraySlice<UInt8> = []
        if hostPort.first == UInt8(ascii: "[") {
            guard let close = hostPort.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = hostPort[(hostPort.startIndex + 1)..<close]
            guard isIPv6(literal) || isFutureIPLiteral(literal) else { return false }
            let afterHost = hostPort[(close + 1)...]
            if !afterHost.isEmpty {
                guard afterHost.first == UInt8(ascii: ":") else { return false }
                port = afterHost.dropFirst()
            }
        } else {
            if let colon = hostPort.firstIndex(of: UInt8(ascii: ":")) {
                port = hostPort[(colon + 1)...]
                hostPort = hostPort[..<colon]
            }
            guard isEncoded(hostPort, allowing: isUnreservedOrSubDelimiter) else { return false }
        }
        return port.allSatisfy(isDigit)
    }

    /// "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    private static func isFutureIPLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.first == UInt8(ascii: "v") || bytes.first == UInt8(ascii: "V"),
              let dot = bytes.firstIndex(of: UInt8(ascii: ".")), dot > bytes.startIndex + 1, dot + 1 < bytes.endIndex
        else { return false }
        return bytes[(bytes.startIndex + 1)..<dot].allSatisfy(isHex)
            && bytes[(dot + 1)...].allSatisfy { isUnreservedOrSubDelimiter($0) || $0 == UInt8(ascii: ":") }
    }
}
