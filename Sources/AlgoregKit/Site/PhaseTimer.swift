import Foundation

/// With `ALGOREG_TIMINGS=1`, prints how long each stage of a build took, and the memory in use
/// after it, to stderr: a benchmark run shows where time and memory go without a profiler.
/// The processor time beside the wall time shows how well a stage uses the cores.
struct PhaseTimer {
    let enabled = ProcessInfo.processInfo.environment["ALGOREG_TIMINGS"] != nil
    var last = DispatchTime.now().uptimeNanoseconds
    var lastProcessor = PhaseTimer.processorSeconds()

    /// User and system time of the whole process so far.
    static func processorSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        // Resident pages, from /proc/self/statm (Linux); 0 elsewhere.
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        let megabytes = Double(pages * Int(sysconf(Int32(_SC_PAGESIZE)))) / 1_048_576
        let processor = PhaseTimer.processorSeconds()
        FileHandle.standardError.write(Data(String(format: "timing %-30@ %8.3f s wall %8.3f s cpu %8.0f MB resident\n",
                                                   phase as NSString, Double(now - last) / 1e9, processor - lastProcessor, megabytes).utf8))
        last = now
        lastProcessor = processor
    }
}
