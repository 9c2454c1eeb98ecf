import Foundation

/// A file's front-matter fields. A file parsed in this run holds them as they are. A file
/// whose parse came from the parse cache holds at first only the fields every build reads of
/// every system (`summaryKeys`: the name, the department, the facets and the dates that lists,
/// counts and register-wide checks read) and decodes the rest from the cache the first time
/// something reads it. A rebuild after editing one file of 10,000 systems keeps nearly every
/// other system's pages, parts and cards, so it decodes nearly nothing else: decoding every
/// file's fields was most of its reading time and most of its memory.
///
/// Reading through `object`, or through `subscript` for any other key, gives exactly what
/// decoding everything at once gives: the summary is decoded from the same bytes, by the same
/// code, and transformed (`mapped`) the same way.
public struct LazyFields: Sendable {
    /// Top-level fields decoded at once from the cache.
    static let summaryKeys: [HashedKey] = ["name", "department", "draft", "status", "risk_category", "domain",
                                           "algorithm_type", "publication_date", "last_change_date"].map(HashedKey.init)

    /// The fields when they were given whole: read in place (every build from nothing, and
    /// every file parsed in this run); nothing else is held for them.
    private let whole: Object?
    /// Fields not yet decoded: the summary, and all of them once decoded.
    private let later: Later?

    private final class Later: Sendable {
        let summary: Object
        let decoded: Deferred<Object>

        init(summary: Object, decoded: Deferred<Object>) {
            self.summary = summary
            self.decoded = decoded
        }
    }

    init(_ object: Object) {
        whole = object
        later = nil
    }

    /// Fields of which only `summary` is decoded; `decode` makes all of them when first needed.
    init(summary: Object, decode: @escaping @Sendable () -> Object) {
        whole = nil
        later = Later(summary: summary, decoded: Deferred(making: decode))
    }

    /// Every field.
    public var object: Object {
        whole ?? later!.decoded.value
    }

    /// Whether every field has been decoded (what the tests look at).
    var isDecoded: Bool {
        whole != nil || later!.decoded.isMade
    }

    /// One field's value: a summary field without decoding the others. Inlined: fields given
    /// whole are read on every page of a build from nothing.
    @inline(__always)
    subscript(key: HashedKey) -> Value? {
        if let whole { return whole[key] }
        return deferredValue(key)
    }

    @inline(__always)
    public subscript(key: String) -> Value? {
        if let whole { return whole[key] }
        return deferredValue(HashedKey(key))
    }

    private func deferredValue(_ key: HashedKey) -> Value? {
        if Self.isSummaryKey(hash: key.hash, name: key.name) { return later!.summary[key] }
        return later!.decoded.value[key]
    }

    /// The fields with `transform` applied (removing private fields), still not decoded when
    /// these are not: the summary is transformed at once, the rest when decoded.
    func mapped(_ transform: @escaping @Sendable (Object) -> Object) -> LazyFields {
        guard let later, !isDecoded else { return LazyFields(transform(object)) }
        // Decoded through `later`, which decodes once however many transforms share it.
        return LazyFields(summary: transform(later.summary)) { transform(later.decoded.value) }
    }

    /// The summary key with this hash and these bytes, if it is one.
    static func isSummaryKey(hash: UInt64, name: String) -> Bool {
        summaryKeys.contains { $0.hash == hash && $0.name == name }
    }

    static func summaryKey(hash: UInt64, bytes: UnsafeRawBufferPointer) -> String? {
        // By memcmp: comparing the key's UTF-8 view with the bytes one by one took 600 instructions
        // a key, for 80,000 keys at 10,000 systems.
        for key in summaryKeys where key.hash == hash {
            var name = key.name
            if name.withUTF8({ $0.count == bytes.count && (bytes.isEmpty || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0) }) {
                return key.name
            }
        }
        return nil
    }
}
