import Foundation
import Testing

/// Runs the benchmark harness (`Tests/Benchmarks/bench.py`) at a tiny N so it cannot rot: the
/// generator must still write a register that validates clean, and the harness must still run
/// every tool and print its table. Nothing is timed here; the benchmark itself is `make bench`.
@Suite struct BenchmarkSmokeTests {
    static let python3: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The binary `swift build` made for these tests, else a release build; the harness skips
    /// Algoreg's rows (and says so) when there is neither.
    static var algoreg: String? {
        [".build/debug/algoreg", ".build/release/algoreg"]
            .map { TestSupport.repoRoot.appendingPathComponent($0).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: python3 != nil, "python3 is not installed"))
    func harnessRunsAtTinySize() throws {
        var arguments = ["Tests/Benchmarks/bench.py", "--smoke"]
        if let algoreg = Self.algoreg { arguments += ["--algoreg", algoreg] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python3))
        process.arguments = arguments
        process.currentDirectoryURL = TestSupport.repoRoot
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "bench.py --smoke failed:\n\(log)")
        #expect(printed.contains("| N | what | median s | max RSS MB | ratio | goal | met? |"), "no table:\n\(printed)\n\(log)")
        #expect(printed.contains("| 20 | algoreg build, cold |") || Self.algoreg == nil, "no Algoreg row:\n\(printed)")
        // N = 30 stands for 100,000: Algoreg's build and validate only, once.
        #expect(printed.contains("| 30 | algoreg build, time per system |") || Self.algoreg == nil, "no large-size row:\n\(printed)")
        #expect(!printed.contains("| 30 | python jsonschema") && !printed.contains("| 30 | hugo build |"), "other tools ran at the large size:\n\(printed)")
    }
}
