import Foundation

/// With `ALGOREG_TIMINGS=1`, prints how long each stage of a build took to stderr, so a
/// benchmark run shows where the time goes without a profiler.
struct PhaseTimer {
    let enabled = ProcessInfo.processInfo.environment["ALGOREG_TIMINGS"] != nil
    var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data(String(format: "timing %-28@ %8.3f s\n", phase as NSString, Double(now - last) / 1e9).utf8))
        last = now
    }
}
