#!/usr/bin/env python3
"""Two builds of algoreg side by side on the same generated register: which is faster.

    python3 Tests/Benchmarks/compare_binaries.py OLD NEW [--what rebuild|first|cold] [--rounds 12] [--systems 10000]

`rebuild`: each binary gets two fresh copies of the register (on this kind of machine two
copies of the same register give the same binary rebuild times up to 0.03 s apart, so one copy
each would measure the copies); after a cold build and a first rebuild, every round appends a
sentence to one entry in each copy and rebuilds it, in an order that turns each round. `first`:
the rebuild after one edit right after a cold build (no spare files yet; see README), two
copies each, the cold build untimed. `cold`:
no output and no parse cache before each build, the binaries taking turns. Prints each side's
medians and the mean of the paired differences with its standard error (OLD - NEW: positive
means NEW is faster). Everything runs in /dev/shm/algoreg-compare/, removed at the end.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402

ROOT = "/dev/shm/algoreg-compare"
TEMPLATES = os.path.join(HERE, "..", "..", "Templates")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")


def build(binary, folder):
    """Wall and processor seconds of one `algoreg build` of folder/registry into folder/out."""
    command = [binary, "build", "--registry", os.path.join(folder, "registry"), "--templates", TEMPLATES,
               "--output", os.path.join(folder, "out")]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit("%s failed (status %d)" % (" ".join(command), status))
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def edit(folder, round_number):
    systems = os.path.join(folder, "registry", "systems")
    first = sorted(name for name in os.listdir(systems) if name.count(".") == 1)[0]
    with open(os.path.join(systems, first), "a", encoding="utf-8") as handle:
        handle.write("\nEdited for the comparison, round %d.\n" % round_number)


def compare(args):
    source = os.path.join(ROOT, "source")
    generate.generate(args.systems, "1", source, hugo=False)
    copies = {"old": ["old-1"], "new": ["new-1"]} if args.what == "cold" else {"old": ["old-1", "old-2"], "new": ["new-1", "new-2"]}
    binaries = {"old": os.path.abspath(args.old), "new": os.path.abspath(args.new)}
    for side, folders in copies.items():
        for folder in folders:
            shutil.copytree(os.path.join(source, "registry"), os.path.join(ROOT, folder, "registry"))
            if args.what == "rebuild":
                build(binaries[side], os.path.join(ROOT, folder))
                edit(os.path.join(ROOT, folder), -1)
                build(binaries[side], os.path.join(ROOT, folder))
    slots = [(side, folder) for side in copies for folder in copies[side]]
    samples = {slot: [] for slot in slots}
    for round_number in range(args.rounds):
        order = slots[round_number % len(slots):] + slots[:round_number % len(slots)]
        if round_number % 2:
            order.reverse()
        for side, folder in order:
            path = os.path.join(ROOT, folder)
            if args.what != "rebuild":
                shutil.rmtree(os.path.join(path, "out"), ignore_errors=True)
                shutil.rmtree(os.path.join(path, ".algoreg-cache"), ignore_errors=True)
            if args.what == "first":
                build(binaries[side], path)
            if args.what != "cold":
                edit(path, round_number)
            samples[(side, folder)].append(build(binaries[side], path))

    def side_mean(side, round_number, index):
        return statistics.mean(samples[(side, folder)][round_number][index] for folder in copies[side])

    for side in copies:
        walls = [sample[0] for folder in copies[side] for sample in samples[(side, folder)]]
        cpus = [sample[1] for folder in copies[side] for sample in samples[(side, folder)]]
        print("%-3s %s: wall median %.3f s, processor median %.3f s" % (side, binaries[side], statistics.median(walls), statistics.median(cpus)))
    for index, name in ((0, "wall"), (1, "processor")):
        differences = [side_mean("old", r, index) - side_mean("new", r, index) for r in range(args.rounds)]
        error = statistics.stdev(differences) / len(differences) ** 0.5 if len(differences) > 1 else float("nan")
        print("old - new, %s: %+.1f ms ± %.1f (%d rounds of %s)" % (name, 1000 * statistics.mean(differences), 1000 * error, args.rounds, args.what))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--what", choices=["rebuild", "first", "cold"], default="rebuild")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--systems", type=int, default=10000)
    args = parser.parse_args()
    shutil.rmtree(ROOT, ignore_errors=True)
    try:
        compare(args)
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
