#!/usr/bin/env python3
"""Aggregate a JFR recording's CPU samples into top frames (docs/performance.md, "Profile of the step").

usage: jfr_top.py FILE.jfr [N] [--filter SUBSTRING]

Reads `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample --stack-depth 64 FILE` and prints
  - self: the top frame of each sample (where the CPU was), as % of samples;
  - first cola4j frame: the innermost frame of a cola4j class in each stack (which engine code the time is under).
With --filter, only samples whose stack contains SUBSTRING count (e.g. ColaServer.pass, LoraTrainer.step).
Runnable Java samples and native samples (BLAS, memcpy inside JNI) are both counted; threads other than main too.
"""
import collections
import re
import subprocess
import sys


def samples(path):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample",
                          "--stack-depth", "64", path], capture_output=True, text=True, check=True).stdout
    for block in out.split("\n}\n"):
        m = re.search(r"stackTrace = \[\n(.*?)\n\s*\]", block, re.S)
        if not m:
            continue
        frames = [re.sub(r"\s+line:.*$", "", f.strip()) for f in m.group(1).split("\n")]
        frames = [f for f in frames if f and f != "..."]
        if frames:
            yield frames


def short(frame):
    return re.sub(r"\(.*\)$", "", frame)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        return 2
    n = int(argv[2]) if len(argv) > 2 and not argv[2].startswith("--") else 15
    flt = argv[argv.index("--filter") + 1] if "--filter" in argv else None
    self_c, cola_c, total = collections.Counter(), collections.Counter(), 0
    for fr in samples(argv[1]):
        if flt and not any(flt in short(f) for f in fr):
            continue
        total += 1
        self_c[short(fr[0])] += 1
        cola = next((f for f in fr if f.startswith("cola4j.")), None)
        cola_c[short(cola) if cola else "(no cola4j frame)"] += 1
    print(f"{total} samples" + (f" with {flt} on the stack" if flt else ""))
    for title, c in (("self (top frame)", self_c), ("innermost cola4j frame", cola_c)):
        print(f"\n{title}:")
        for f, k in c.most_common(n):
            print(f"  {100.0 * k / max(total, 1):5.1f}%  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
