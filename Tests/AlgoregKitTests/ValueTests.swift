import Testing
@testable import AlgoregKit

@Suite struct ValueTests {
    @Test func equalityIgnoresLocationAndNumberRepresentation() {
        #expect(Value(.integer(1), at: SourceLocation(line: 3, column: 4)) == Value(.number(1.0)))
        #expect(Value(.string("a")) != Value(.string("b")))
    }

    @Test func objectKeepsOrderAndReplacesInPlace() {
        var object = Object([Member(key: "b", value: Value(.integer(1))), Member(key: "a", value: Value(.integer(2)))])
        object.set(Member(key: "b", value: Value(.integer(3))))
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == Value(.integer(3)))
        object.remove("b")
        #expect(object.keys == ["a"])
        #expect(object["a"] == Value(.integer(2)))
    }

    /// Small objects are searched in order, large ones through an index: both find every key,
    /// across growing past the threshold and shrinking below it.
    @Test func objectFindsKeysOnBothSidesOfTheIndexThreshold() {
        var object = Object()
        let keys = (0..<(KeyIndex.tableFrom * 2)).map { "field_\($0)" }
        for (number, key) in keys.enumerated() {
            object.set(Member(key: key, value: Value(.integer(number))))
            #expect(keys[...number].enumerated().allSatisfy { object[$1] == Value(.integer($0)) })
            #expect(object["missing"] == nil)
        }
        object.set(Member(key: "field_3", value: Value(.string("replaced"))))
        #expect(object.count == keys.count && object["field_3"] == Value(.string("replaced")))
        for key in keys.prefix(keys.count - 2) { object.remove(key) }
        #expect(object.keys == Array(keys.suffix(2)))
        #expect(object[keys.last!] == Value(.integer(keys.count - 1)) && object["field_0"] == nil)
    }

    /// Keys that differ only in their last byte, across the hash's eight-byte words, or in
    /// non-ASCII letters, are all told apart, in small objects and in indexed ones.
    @Test func objectTellsApartKeysThatDifferInOneByte() {
        var keys: [String] = []
        for length in [1, 7, 8, 9, 15, 16, 17, 24] {
            let stem = String(repeating: "k", count: length - 1)
            keys += ["a", "b", "é"].map { stem + $0 }
        }
        keys += ["", "ä", "a\u{0}", "\u{0}a"]
        var object = Object()
        for (number, key) in keys.enumerated() { object.set(Member(key: key, value: Value(.integer(number)))) }
        #expect(object.count == keys.count)
        #expect(keys.enumerated().allSatisfy { object[$1] == Value(.integer($0)) })
        #expect(Set(keys.map(KeyIndex.hash)).count == keys.count)
    }

    /// The hash reads the last partial word in wide loads; it must equal the word made of those
    /// bytes one by one, at every length around the word boundaries.
    @Test func keyHashReadsTheLastWordLikeAByteLoop() {
        func reference(_ key: String) -> UInt64 {
            let bytes = Array(key.utf8)
            let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
            var hash: UInt64 = (0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)) &* multiplier
            var offset = 0
            while offset + 8 <= bytes.count {
                var word: UInt64 = 0
                for shift in 0..<8 { word |= UInt64(bytes[offset + shift]) << (8 * UInt64(shift)) }
                hash = (hash ^ word) &* multiplier
                hash ^= hash >> 32
                offset += 8
            }
            if offset < bytes.count {
                var tail: UInt64 = 0
                for shift in 0..<(bytes.count - offset) { tail |= UInt64(bytes[offset + shift]) << (8 * UInt64(shift)) }
                hash = (hash ^ tail) &* multiplier
            }
            hash ^= hash >> 29
            hash = hash &* 0xbf58_476d_1ce4_e5b9
            return hash ^ (hash >> 32)
        }
        let letters = Array("abcdefghijklmnopqrstuvwxyzé0123456789")
        for length in 0...26 {
            let key = String(letters.prefix(length))
            #expect(KeyIndex.hash(key) == reference(key), "\(key)")
        }
    }

    @Test func locationsKeepLinesAndColumns() {
        let location = SourceLocation(line: 120_000, column: 77)
        #expect(location.line == 120_000 && location.column == 77)
        #expect(location.shifted(byLines: 3) == SourceLocation(line: 120_003, column: 77))
        #expect(SourceLocation(line: 2, column: 9) < SourceLocation(line: 3, column: 1))
    }
}

@Suite struct TextUtilityTests {
    @Test func trimsWhitespaceAndNewlines() {
        #expect("  \n Café \t\n".trimmed == "Café")
        #expect(" \n ".trimmed == "")
        // The fast path (visible ASCII at both ends) and Unicode whitespace beyond ASCII.
        #expect("Café au lait".trimmed == "Café au lait")
        #expect("x\u{00A0}".trimmed == "x")
        #expect("\u{2003}x\u{3000}".trimmed == "x")
        #expect("x\u{000B}".trimmed == "x")
        #expect("é ".trimmed == "é")
    }

    @Test func replacesEveryOccurrence() {
        #expect("a\"b\"\"c".replacingEvery("\"", with: "\"\"") == "a\"\"b\"\"\"\"c")
        #expect("2024-05".replacingEvery("-", with: "/") == "2024/05")
        #expect("x@@r@@y@@r@@".replacingEvery("@@r@@", with: "../") == "x../y../")
        #expect("no match".replacingEvery("@@", with: "x") == "no match")
        #expect("한국어 텍스트".replacingEvery("국", with: "-") == "한-어 텍스트")
    }
}

/// The eight-bytes-at-a-time search for bytes to escape finds what a byte-by-byte search finds,
/// wherever the byte falls in a word and whatever surrounds it (bytes next to the searched
/// values, and UTF-8 bytes above 0x80 that could set a high bit).
@Suite struct EscapeScanTests {
    typealias Search = (UnsafeBufferPointer<UInt8>, Int) -> Int

    func expectSameAsByteByByte(_ search: Search, special: (UInt8) -> Bool, name: String) {
        let neighbours: [UInt8] = [0x01, 0x1F, 0x20, 0x21, 0x23, 0x25, 0x2B, 0x2D, 0x3B, 0x3D, 0x3F, 0x5B, 0x5D, 0x61, 0x7F, 0x80, 0xA0, 0xC3, 0xFF]
        let searched: [UInt8] = [0x00, 0x0A, 0x0D, 0x22, 0x26, 0x27, 0x2C, 0x3C, 0x3E, 0x5C]
        // Mostly neighbours, so a searched byte often sits deep in a word after others that are not.
        let fillers = Array(repeating: neighbours, count: 4).flatMap { $0 } + searched
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            for _ in 0..<60 {
                let bytes = (0..<length).map { _ in fillers.randomElement(using: &generator)! }
                for start in [0, 1, 7, 8, 9].filter({ $0 <= length }) {
                    let expected = bytes[start...].firstIndex(where: special) ?? length
                    let found = bytes.withUnsafeBufferPointer { search($0, start) }
                    #expect(found == expected, "\(name) in \(bytes) from \(start)")
                }
            }
        }
    }

    @Test func findsTheFirstByteToEscapeLikeAByteByByteSearch() {
        expectSameAsByteByByte(EscapeScan.firstJSONEscape, special: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }, name: "JSON")
        expectSameAsByteByByte(EscapeScan.firstCSVSpecial, special: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }, name: "CSV")
        expectSameAsByteByByte(EscapeScan.firstHTMLEscape, special: { [0x26, 0x3C, 0x3E, 0x22, 0x27].contains($0) }, name: "HTML")
    }

    @Test func escapesWhatTheWritersEscape() {
        #expect(HTML.escape("a <b> & \"c\" 'd' é") == "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; é")
        #expect(Value(.string("tab\there \"q\" back\\slash \u{1} é")).jsonText(pretty: false) == "\"tab\\there \\\"q\\\" back\\\\slash \\u0001 é\"")
    }
}

/// XXH64 gives the reference implementation's values (Python's `xxhash` package), across the
/// lengths where it switches between its 32-byte, 8-byte, 4-byte and 1-byte steps.
@Suite struct XXH64Tests {
    @Test func matchesTheReferenceValues() {
        #expect(XXH64.hash("", seed: 0) == 0xef46db3751d8e999)
        #expect(XXH64.hash("a", seed: 0) == 0xd24ec4f1a98c6e5b)
        #expect(XXH64.hash("abc", seed: 0) == 0x44bc2cf5ad770999)
        #expect(XXH64.hash("0123456789abcdef0123456789abcde", seed: 0) == 0x1fdfc63febacfde7)
        #expect(XXH64.hash("0123456789abcdef0123456789abcdef", seed: 0) == 0x642a94958e71e6c5)
        #expect(XXH64.hash("0123456789abcdef0123456789abcdef0", seed: 7) == 0x4f54109a9de9ef94)
        #expect(XXH64.hash(String(repeating: "été ", count: 40), seed: 12345678901234567890) == 0x9c3bc25722d26fc1)
    }

    @Test func pageKeysDependOnTextAndContext() {
        let key = PartKey("{\"id\": \"a\"}", context: "templates 1").hex
        #expect(key.count == 32 && key.allSatisfy(\.isHexDigit))
        #expect(key == PartKey("{\"id\": \"a\"}", context: "templates 1").hex)
        #expect(key != PartKey("{\"id\": \"b\"}", context: "templates 1").hex)
        #expect(key != PartKey("{\"id\": \"a\"}", context: "templates 2").hex)
    }
}
