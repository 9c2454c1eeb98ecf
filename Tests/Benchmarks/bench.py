#!/usr/bin/env python3
"""Algoreg benchmark: `algoreg build` and `validate` side by side with Hugo, Python jsonschema,
libyaml and cmark-gfm on the same generated register (issue 5). Run it with `make bench`.

    python3 Tests/Benchmarks/bench.py                    # N = 1,000 and 10,000, 3 runs each
    python3 Tests/Benchmarks/bench.py --with-100k        # also N = 100,000
    python3 Tests/Benchmarks/bench.py --sizes 2000 --runs 5
    python3 Tests/Benchmarks/bench.py --smoke            # N = 20 and 30, 1 run: checks the harness works

For every N it generates the register (generate.py, seeded), then runs the commands in rounds,
A, B, C, ... then again A, B, C, ..., so that machine noise hits all of them alike. Every tool
reads from and writes to the same tmpfs folder (/dev/shm/algoreg-bench/). Each command is one
child process; its wall time, CPU time and peak memory (ru_maxrss from wait4) are recorded.
It prints one Markdown table (median seconds, max RSS, ratio Algoreg / other, goal, met?) and
writes every sample to /dev/shm/algoreg-bench/results.json.

Internal modes, run as child processes so they are measured alone:
    bench.py --py-validate REGISTRY   PyYAML (CSafeLoader) + jsonschema over the same files
    bench.py --py-parse REGISTRY      libyaml's event parser alone over the same front matter
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import generate  # noqa: E402

HEADER = "| N | what | median s | max RSS MB | ratio | goal | met? |"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: the same content date in every build
CMARK_EXTENSIONS = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]


# ------------------------------------------------------------------ Python-side validators

def front_matter(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---\n", 3)
    return text[4:end + 1]


def register_files(registry):
    systems = os.path.join(registry, "systems")
    for name in sorted(os.listdir(systems)):
        if name.endswith(".md"):
            parts = name[:-3].split(".")
            yield os.path.join(systems, name), parts[0], parts[1] if len(parts) > 1 else None


def py_validate(registry):
    """jsonschema with PyYAML's libyaml loader, the way a Python tool would check the register:
    entries against the schema, translations merged over their entry (as Algoreg does)."""
    import jsonschema
    import yaml

    class Loader(yaml.CSafeLoader):
        """CSafeLoader that keeps dates as text, as JSON Schema's `format: date` expects."""
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()}

    with open(os.path.join(registry, "schema.yaml"), encoding="utf-8") as handle:
        schema = yaml.load(handle, Loader=Loader)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    entries, translations, errors = {}, [], 0
    for path, ident, language in register_files(registry):
        data = yaml.load(front_matter(path), Loader=Loader)
        if language is None:
            entries[ident] = data
        else:
            translations.append((ident, data))
    for data in entries.values():
        errors += sum(1 for _ in validator.iter_errors(data))
    for ident, data in translations:
        merged = dict(entries[ident])
        merged.update(data)
        errors += sum(1 for _ in validator.iter_errors(merged))
    print(json.dumps({"files": len(entries) + len(translations), "errors": errors}))
    return 0 if errors == 0 else 1


def py_parse(registry):
    """The floor for YAML: libyaml's event parser (PyYAML's CParser), no nodes, no objects."""
    import yaml
    events = files = 0
    for path, _, _ in register_files(registry):
        for _ in yaml.parse(front_matter(path), Loader=yaml.CSafeLoader):
            events += 1
        files += 1
    print(json.dumps({"files": files, "events": events}))
    return 0


# ------------------------------------------------------------------ measuring

TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(command, stdout_path, env=None):
    """Runs one child process; returns wall seconds, CPU seconds, max RSS in MB, exit code.

    Peak memory comes from GNU time (`/usr/bin/time`), which forks the command from its own small
    process: a child forked straight from this script would inherit this script's memory
    high-water mark in its ru_maxrss (Linux copies it across fork and exec)."""
    timing = stdout_path + ".time"
    wrapped = [TIME, "-f", "%e %U %S %M", "-o", timing] + command if TIME else command
    with open(stdout_path, "wb") as out, open(stdout_path + ".err", "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu, rss_kb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
    if TIME:
        with open(timing) as handle:
            _, user, system, rss_kb = handle.read().split("\n")[-2].split()
        cpu, rss_kb = float(user) + float(system), int(rss_kb)
    return {"seconds": wall, "cpu": cpu, "rss_mb": rss_kb / 1024.0, "exit": child.returncode}


def phase_laps(stderr_path):
    """The phases `ALGOREG_TIMINGS=1` printed to stderr: [(name, wall seconds)], in order."""
    laps = []
    with open(stderr_path, errors="replace") as handle:
        for line in handle:
            if line.startswith("timing "):
                name, _, rest = line[len("timing "):].partition(" s wall")
                name, _, wall = name.rstrip().rpartition(" ")
                try:
                    laps.append((name.strip(), float(wall)))
                except ValueError:
                    pass
    return laps


def tree_digest(folder):
    """Relative path -> SHA-256 of every file, to compare two outputs (without holding them)."""
    files = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                files[os.path.relpath(path, folder)] = hashlib.sha256(handle.read()).hexdigest()
    return files


def count_files(folder):
    return sum(len(names) for _, _, names in os.walk(folder)) if os.path.isdir(folder) else 0


def edit_one_system(registry, round_number, again=False):
    """Changes one entry's body, the way an editor would: a new sentence at the end."""
    path = next(p for p, _, language in register_files(registry) if language is None)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\nEdited for the benchmark, round %d%s.\n" % (round_number, ", again" if again else ""))
    return path


REBUILD = "algoreg build, 1 file edited"
REBUILD_AGAIN = "algoreg build, 1 file edited, after a rebuild"


class Bench:
    def __init__(self, args, root):
        self.args, self.root = args, root
        self.samples = {}  # (N, what) -> [measurement]
        self.notes = []
        self.checks = {}   # (N, check) -> bool

    def log(self, message):
        print(message, file=sys.stderr, flush=True)

    def run(self, size, what, command, env=None, expect_exit=(0,)):
        folder = os.path.join(self.root, "n%d" % size, "logs")
        os.makedirs(folder, exist_ok=True)
        stdout_path = os.path.join(folder, what.split(" ")[0].replace("/", "_") + "-%d.out" % len(self.samples.get((size, what), [])))
        result = measure(command, stdout_path, env)
        result["stdout"] = stdout_path
        result["laps"] = phase_laps(stdout_path + ".err")
        self.samples.setdefault((size, what), []).append(result)
        self.log("  N=%-7d %-34s %8.3f s  %7.1f MB  exit %d" % (size, what, result["seconds"], result["rss_mb"], result["exit"]))
        if result["exit"] not in expect_exit:
            with open(stdout_path + ".err", errors="replace") as handle:
                tail = handle.read()[-2000:]
            raise SystemExit("%s failed (exit %d) at N=%d: %s\n%s" % (what, result["exit"], size, " ".join(command), tail))
        return result

    def size(self, size):
        args = self.args
        # At 100,000 the goals are Algoreg's own (memory, time per system): Hugo and Python
        # there would take most of an hour, so only Algoreg's build and validate run, once.
        large = size >= args.large_from
        hugo = None if large else args.hugo
        folder = os.path.join(self.root, "n%d" % size)
        self.log("N=%d: generating the register (seed %s) in %s" % (size, args.seed, folder))
        started = time.perf_counter()
        manifest = generate.generate(size, args.seed, folder, hugo=bool(hugo))
        self.log("  generated in %.1f s: %s" % (time.perf_counter() - started, json.dumps(manifest, sort_keys=True)))
        registry = os.path.join(folder, "registry")
        templates = os.path.join(self.root, "templates")
        if not os.path.isdir(templates):
            shutil.copytree(os.path.join(REPO, "Templates"), templates)
        out = os.path.join(folder, "out-algoreg")
        parse_cache = os.path.join(folder, ".algoreg-cache")
        rebuilt = os.path.join(folder, "out-algoreg-rebuilt")
        hugo_site = os.path.join(folder, "hugo")
        hugo_out = os.path.join(folder, "out-hugo")
        env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
        # Builds print their phases (a line per phase to stderr, next to the diagnostics): the
        # notes say where a cold build's and a rebuild's time goes.
        build_env = dict(env, ALGOREG_TIMINGS="1")
        algoreg = args.algoreg
        build = [algoreg, "build", "--registry", registry, "--templates", templates, "--output", out] if algoreg else None
        me = [sys.executable, os.path.abspath(__file__)]

        rounds = 1 if large else args.runs
        for round_number in range(rounds):
            self.log("N=%d: round %d of %d" % (size, round_number + 1, rounds))
            if build and os.path.isdir(out):
                # Rebuild after editing one file, into the previous round's output (a cold build's);
                # then edit and rebuild again, as an editor saving twice sees it.
                edit_one_system(registry, round_number)
                self.run(size, REBUILD, build, build_env)
                edit_one_system(registry, round_number, again=True)
                self.run(size, REBUILD_AGAIN, build, build_env)
                os.rename(out, rebuilt)
            if build:
                # Cold: no output and no parse cache (`.algoreg-cache/` beside the register).
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(parse_cache, ignore_errors=True)
                self.run(size, "algoreg build, cold", build, build_env)
                if os.path.isdir(rebuilt):
                    same = tree_digest(rebuilt) == tree_digest(out)
                    self.checks[(size, "rebuild identical")] = self.checks.get((size, "rebuild identical"), True) and same
                    shutil.rmtree(rebuilt)
            if hugo:
                shutil.rmtree(hugo_out, ignore_errors=True)
                self.run(size, "hugo build", [hugo, "--source", hugo_site, "--destination", hugo_out, "--quiet",
                                              "--cacheDir", os.path.join(folder, "hugo-cache")], env)
            if algoreg:
                # Exit 0: warnings only (the 80% of systems without a translation). Against Python:
                # every file parsed and checked (--no-cache); then as CI or an editor's hook sees it
                # on a second run, with the parse cache the builds left.
                result = self.run(size, "algoreg validate", [algoreg, "validate", "--no-cache", "--registry", registry, "--format", "json"], env)
                if round_number == 0:
                    self.check_clean(size, result["stdout"])
                self.run(size, "algoreg validate, nothing changed", [algoreg, "validate", "--registry", registry, "--format", "json"], env)
            if large:
                continue
            result = self.run(size, "python jsonschema + CSafeLoader", me + ["--py-validate", registry])
            self.run(size, "libyaml events only (PyYAML CParser)", me + ["--py-parse", registry])
            if args.cmark:
                self.run(size, "cmark-gfm, all Markdown, one process",
                         [args.cmark] + [flag for ext in CMARK_EXTENSIONS for flag in ("--extension", ext)]
                         + [os.path.join(folder, "markdown-all.md")])

        if build and not large and len(self.samples.get((size, REBUILD), [])) < args.runs:
            # The rounds after the first measured the rebuilds into the round before's output: one
            # more pair, into the last round's, so that they too are medians of `runs` samples
            # (with one run, the only ones); a cold build of the edited input, not timed, checks them.
            edit_one_system(registry, args.runs)
            self.run(size, REBUILD, build, build_env)
            edit_one_system(registry, args.runs, again=True)
            self.run(size, REBUILD_AGAIN, build, build_env)
            os.rename(out, rebuilt)
            self.log("  (cold build of the edited input, for the byte comparison only)")
            shutil.rmtree(parse_cache, ignore_errors=True)
            measure(build, os.path.join(folder, "logs", "check-build.out"), env)
            self.checks[(size, "rebuild identical")] = tree_digest(rebuilt) == tree_digest(out)
            shutil.rmtree(rebuilt)
        if build:
            self.notes.append("N=%d: Algoreg wrote %d files (2 languages: every system page in en and nl, filter pages, "
                              "JSON, CSV, feed, sitemap); Hugo wrote %d files (en only: home, system pages, department pages, sitemap)."
                              % (size, count_files(out), count_files(hugo_out)))
        self.notes.append("N=%d: corpus %d entries + %d translations; front matter %.1f MiB, Markdown rendered %.1f MiB "
                          "(cmark-gfm input); Hugo: translations %s."
                          % (size, size, manifest["translations"], manifest["front_matter_bytes"] / 2**20,
                             manifest["markdown_bytes"] / 2**20, manifest["hugo_translations"] if hugo else "Hugo not run"))
        if not args.keep:
            for name in ("out-algoreg", "out-hugo", "hugo-cache", ".algoreg-cache"):
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)

    def check_clean(self, size, json_path):
        with open(json_path) as handle:
            report = json.load(handle)
        codes = {}
        for diagnostic in report["diagnostics"]:
            codes[diagnostic["code"]] = codes.get(diagnostic["code"], 0) + 1
        clean = report["errors"] == 0 and set(codes) <= {"missing-translation"}
        self.checks[(size, "validates clean")] = clean
        self.notes.append("N=%d: algoreg validate: %d files, %d errors, %d warnings %s (missing-translation is expected: "
                          "80%% of systems have no nl translation)." % (size, report["files_checked"], report["errors"], report["warnings"], codes))
        if not clean:
            raise SystemExit("the generated register at N=%d does not validate clean: %s" % (size, codes))

    # -------------------------------------------------------------- the table

    def median(self, size, what, key="seconds"):
        samples = self.samples.get((size, what))
        return statistics.median(s[key] for s in samples) if samples else None

    def peak(self, size, what):
        samples = self.samples.get((size, what))
        return max(s["rss_mb"] for s in samples) if samples else None

    def phase_note(self, size, what):
        """Median wall time of each phase a build printed, and of what lies outside them."""
        samples = [s for s in self.samples.get((size, what), []) if s.get("laps")]
        if not samples:
            return None
        names = [name for name, _ in samples[0]["laps"]]
        medians = [(name, statistics.median(dict(s["laps"]).get(name, 0.0) for s in samples)) for name in names]
        total = "build, with freeing memory"
        outside = [s["seconds"] - dict(s["laps"])[total] for s in samples if total in dict(s["laps"])]
        parts = ["%s %.3f" % (name, seconds) for name, seconds in medians if name != total]
        if outside:
            parts.append("outside them (starting, printing the diagnostics, ending) %.3f" % statistics.median(outside))
        return "N=%d: %s, where the time goes (`ALGOREG_TIMINGS=1`, median s per phase, each part listed before the phase that holds it): %s." % (
            size, what, "; ".join(parts))

    def table(self, sizes):
        rows = [HEADER, "|---:|---|---:|---:|---:|---|---|"]

        def fmt(value, digits=3):
            return "—" if value is None else ("%.*f" % (digits, value))

        def ratio(a, b):
            return None if a is None or not b else a / b

        def met(value, limit):
            return "—" if value is None else ("yes" if value <= limit else "no")

        def row(size, what, seconds=None, rss=None, value=None, goal="", ok="—"):
            if size >= self.args.large_from and seconds is None and rss is None and value is None:
                return  # a comparison that did not run at this size
            rows.append("| %s | %s | %s | %s | %s | %s | %s |" % ("{:,}".format(size), what, fmt(seconds), fmt(rss, 0 if rss is None or rss >= 10 else 3),
                                                                 "—" if value is None else "%.2f" % value, goal, ok))

        first = sizes[0]
        for size in sizes:
            cold, hugo = self.median(size, "algoreg build, cold"), self.median(size, "hugo build")
            cold_rss, hugo_rss = self.peak(size, "algoreg build, cold"), self.peak(size, "hugo build")
            r = ratio(cold, hugo)
            row(size, "algoreg build, cold", cold, cold_rss, r, "≤ 0.50 × Hugo time", met(r, 0.5))
            row(size, "hugo build", hugo, hugo_rss)
            r = ratio(cold_rss, hugo_rss)
            row(size, "algoreg build peak memory / Hugo's", None, cold_rss, r, "≤ 0.50 × Hugo RSS", met(r, 0.5))
            validate, py = self.median(size, "algoreg validate"), self.median(size, "python jsonschema + CSafeLoader")
            r = ratio(validate, py)
            row(size, "algoreg validate", validate, self.peak(size, "algoreg validate"), r,
                "≤ 0.20 × jsonschema (stretch 0.10)", "—" if r is None else ("yes, stretch" if r <= 0.1 else met(r, 0.2)))
            cached = self.median(size, "algoreg validate, nothing changed")
            row(size, "algoreg validate, nothing changed (parse cache)", cached, self.peak(size, "algoreg validate, nothing changed"),
                ratio(cached, py), "— (ratio: this / jsonschema)", "—")
            row(size, "python jsonschema + CSafeLoader", py, self.peak(size, "python jsonschema + CSafeLoader"))
            floor = self.median(size, "libyaml events only (PyYAML CParser)")
            row(size, "libyaml events only (PyYAML CParser)", floor, self.peak(size, "libyaml events only (PyYAML CParser)"),
                ratio(validate, floor), "floor (ratio: validate / this)", "—")
            for what in (REBUILD, REBUILD_AGAIN):
                edited = self.median(size, what)
                r = ratio(edited, cold)
                row(size, what, edited, self.peak(size, what), r,
                    "< 0.10 × cold build" + (" (goal at 10,000)" if size != 10000 else ""), "—" if r is None else ("yes" if r < 0.1 else "no"))
            identical = self.checks.get((size, "rebuild identical"))
            row(size, "rebuild output = cold build output, byte for byte", goal="identical",
                ok="—" if identical is None else ("yes" if identical else "no"))
            cmark = self.median(size, "cmark-gfm, all Markdown, one process")
            r = ratio(cold, cmark)
            row(size, "cmark-gfm, all Markdown, one process", cmark, self.peak(size, "cmark-gfm, all Markdown, one process"),
                r, "cold build ≤ 2 × this", met(r, 2.0))
            if cold is not None:
                per = cold / size
                base = self.median(first, "algoreg build, cold") / first
                r = per / base if size != first else None
                row(size, "algoreg build, time per system", per, cold_rss / size if cold_rss else None, r,
                    "linear: ≤ 1.5 × per-system time at %s (RSS column: MB per system)" % "{:,}".format(first),
                    "—" if r is None else met(r, 1.5))
                if size >= 100000:
                    row(size, "algoreg build peak memory", None, cold_rss, None, "≤ 4096 MB", met(cold_rss, 4096))
        return "\n".join(rows)


def find_binary(explicit, smoke):
    if explicit:
        return os.path.abspath(explicit)
    candidates = [os.path.join(REPO, ".build", "release", "algoreg")]
    if smoke:
        candidates.append(os.path.join(REPO, ".build", "debug", "algoreg"))
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated N (default 1000,10000)")
    parser.add_argument("--with-100k", action="store_true", help="also N = 100,000")
    parser.add_argument("--large-from", type=int, default=100000,
                        help="from this N on, run only algoreg build and validate, once (default 100,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command per N (default 3)")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--algoreg", help="the binary (default .build/release/algoreg)")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="N = 20, and 30 as a large size, one run, Hugo only if installed: checks the harness")
    parser.add_argument("--keep", action="store_true", help="keep the built sites in the tmpfs folder")
    parser.add_argument("--py-validate", metavar="REGISTRY", help=argparse.SUPPRESS)
    parser.add_argument("--py-parse", metavar="REGISTRY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.py_validate:
        return py_validate(args.py_validate)
    if args.py_parse:
        return py_parse(args.py_parse)

    sizes = [int(size) for size in args.sizes.split(",")] + ([100000] if args.with_100k else [])
    if args.smoke:
        # N = 30 takes the path N = 100,000 takes (Algoreg alone, once), so it cannot rot either.
        sizes, args.runs, args.large_from = [20, 30], 1, 30
    args.algoreg = find_binary(args.algoreg, args.smoke)
    args.hugo = None if args.no_hugo else shutil.which("hugo")
    args.cmark = shutil.which("cmark-gfm")
    tmpfs = "/dev/shm" if os.path.isdir("/dev/shm") else os.environ.get("TMPDIR", "/tmp")
    root = os.path.join(tmpfs, "algoreg-bench-smoke-%d" % os.getpid() if args.smoke else "algoreg-bench")
    os.makedirs(root, exist_ok=True)
    bench = Bench(args, root)
    missing = [name for name, found in (("algoreg (swift build -c release --product algoreg)", args.algoreg),
                                        ("hugo (apt-get install -y hugo)", args.hugo),
                                        ("cmark-gfm (apt-get install -y cmark-gfm)", args.cmark)) if not found]
    if missing and not args.smoke:
        raise SystemExit("missing: " + ", ".join(missing))
    for name in missing:
        bench.notes.append("skipped, not installed: " + name)
    hugo_version = subprocess.run([args.hugo, "version"], capture_output=True, text=True).stdout.strip() if args.hugo else "not run"
    bench.log("algoreg: %s\nhugo: %s\ntmpfs folder: %s, %d runs each, cores: %d" % (args.algoreg, hugo_version, root, args.runs, os.cpu_count()))
    try:
        for size in sizes:
            bench.size(size)
    finally:
        samples = {"%d %s" % key: value for key, value in bench.samples.items()}
        with open(os.path.join(root, "results.json"), "w") as handle:
            json.dump({"samples": samples, "checks": {"%d %s" % key: value for key, value in bench.checks.items()},
                       "notes": bench.notes}, handle, indent=1, sort_keys=True)
    print()
    print("Algoreg benchmark: %d cores, %d runs each (median), tmpfs %s, algoreg %s, %s" % (
        os.cpu_count(), args.runs, root, args.algoreg, hugo_version))
    print()
    print(bench.table(sizes))
    print()
    cpu = ["%s N=%d: %.2f s CPU for %.2f s wall" % (what, size, bench.median(size, what, "cpu"), bench.median(size, what))
           for (size, what) in sorted(bench.samples) if what.startswith("algoreg") or what.startswith("hugo")]
    phases = [bench.phase_note(size, what) for size in sizes for what in ("algoreg build, cold", REBUILD, REBUILD_AGAIN)]
    for note in bench.notes + ["CPU (user+sys, median): " + "; ".join(cpu)] + [p for p in phases if p]:
        print("- " + note)
    if args.smoke:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
