import Foundation

/// With `ALGOREG_TIMINGS=1`, prints how long each stage of a build took, and the memory in use
/// after it, to stderr: a benchmark run shows where time and memory go without a profiler.
struct PhaseTimer {
    let enabled = ProcessInfo.processInfo.environment["ALGOREG_TIMINGS"] != nil
    var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        // Resident pages, from /proc/self/statm (Linux); 0 elsewhere.
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        let megabytes = Double(pages * Int(sysconf(Int32(_SC_PAGESIZE)))) / 1_048_576
        FileHandle.standardError.write(Data(String(format: "timing %-28@ %8.3f s %8.0f MB resident\n", phase as NSString, Double(now - last) / 1e9, megabytes).utf8))
        last = now
    }
}
