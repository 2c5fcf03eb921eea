#!/usr/bin/env python3
"""Times several readers of one capture, alternately, and prints medians of wall and CPU time.

    bench/measure.py --runs 5 --packets N \\
        --tool LABEL [--before SHELL] [--minus SECONDS] --cmd SHELL  [--tool ...]

Each round runs every tool once, in the order given, so a shared machine's load falls on
all of them alike. For each run: wall time, and CPU time as user + system of the process
and everything it waited for (wait4's rusage), so a tool's own sleeping does not count as
work. `--before` runs first, untimed (a fresh store); `--minus` takes a fixed pause out of
the wall time (pmacctd sleeps 2 s before reading a savefile). The table shows the medians
and packets per second of wall and of CPU time; every run is listed below it.
"""
import os, subprocess, sys, time


def parse(argv):
    runs, packets, tools = 3, 0, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--runs": runs = int(argv[i + 1]); i += 2
        elif a == "--packets": packets = int(argv[i + 1]); i += 2
        elif a == "--tool": tools.append({"label": argv[i + 1], "before": None, "minus": 0.0}); i += 2
        elif a == "--before": tools[-1]["before"] = argv[i + 1]; i += 2
        elif a == "--minus": tools[-1]["minus"] = float(argv[i + 1]); i += 2
        elif a == "--cmd": tools[-1]["cmd"] = argv[i + 1]; i += 2
        else: sys.exit(f"measure.py: unknown argument {a}")
    return runs, packets, tools


def run(cmd):
    devnull = open(os.devnull, "w")
    t0 = time.monotonic()
    p = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], stdout=devnull, stderr=devnull)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure.py: failed ({os.waitstatus_to_exitcode(status)}): {cmd}")
    return wall, ru.ru_utime + ru.ru_stime


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main():
    runs, packets, tools = parse(sys.argv[1:])
    for t in tools:
        t["wall"], t["cpu"] = [], []
    for _ in range(runs):
        for t in tools:
            if t["before"]:
                subprocess.run(["/bin/sh", "-c", t["before"]], check=True)
            wall, cpu = run(t["cmd"])
            t["wall"].append(max(wall - t["minus"], 1e-9))
            t["cpu"].append(cpu)
    width = max(len(t["label"]) for t in tools)
    print(f"{'reader':<{width}}  {'wall s':>7}  {'CPU s':>7}  {'packets/s (wall)':>16}  {'packets/s (CPU)':>15}")
    for t in tools:
        w, c = median(t["wall"]), median(t["cpu"])
        print(f"{t['label']:<{width}}  {w:7.2f}  {c:7.2f}  {int(packets / w):>16,}  {int(packets / c) if c else 0:>15,}")
    print(f"medians of {runs} alternating runs; each run, wall/CPU s:")
    for t in tools:
        print(f"  {t['label']}: " + " ".join(f"{w:.2f}/{c:.2f}" for w, c in zip(t["wall"], t["cpu"])))
    if len(tools) >= 2:
        p, f = tools[0], tools[1]
        print(f"{p['label'].split()[0]} reaches {100 * median(f['wall']) / median(p['wall']):.0f} % of the floor's speed (wall)"
              f" and {100 * median(f['cpu']) / median(p['cpu']):.0f} % (CPU)")
    if len(tools) >= 3:
        q = tools[2]
        print(f"{p['label'].split()[0]} CPU time is {median(p['cpu']) / median(q['cpu']):.2f}x {q['label'].split()[0]}'s")


main()
