#!/usr/bin/env python3
"""SNMP polling benchmark: Pantau against a shell-style snmpbulkwalk fleet, same agents, one run.

Starts K snmpsim processes on loopback, each serving every recording in the shared corpus, so
K x 16 simulated devices answer (the community picks the recording). Then polls all of them:

  1. pantau collect --once (one process, one Net-SNMP event-loop thread, concurrency 64)
  2. snmpbulkwalk once per device and table, 64 in parallel (xargs -P 64), as shell-based
     pollers do, over the same tables Pantau's probes read

and prints wall time, CPU time (user+sys of the tool and all its children) and peak memory
(peak summed RSS of the tool's whole process tree, sampled every 20 ms) for both.

Usage: bench/snmp_bench.py [--agents K] [--pantau PATH] [--parallel P] [--runs N]
Run after `scripts/setup.sh` and `swift build -c release --product pantau`.
"""
import argparse, os, resource, shutil, signal, socket, subprocess, sys, tempfile, threading, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("PANTAU_CORPUS", os.path.join(os.path.dirname(REPO), "shared", "corpus"))

# The subtrees Pantau's shipped probes read from a network device (probes/modules/*.yaml).
TABLES = [
    "1.3.6.1.2.1.1",            # system
    "1.3.6.1.2.1.2.2",          # ifTable
    "1.3.6.1.2.1.31.1.1",       # ifXTable
    "1.3.6.1.2.1.47.1.1.1",     # entPhysicalTable
    "1.0.8802.1.1.2.1.3.7",     # lldpLocPortTable
    "1.0.8802.1.1.2.1.4.1",     # lldpRemTable
    "1.0.8802.1.1.2.1.4.2",     # lldpRemManAddrTable
    "1.3.6.1.4.1.9.9.23.1.2.1", # cdpCacheTable
    "1.3.6.1.2.1.17.1.4",       # dot1dBasePortTable
    "1.3.6.1.2.1.17.4.3",       # dot1dTpFdbTable
    "1.3.6.1.2.1.17.7.1.2.2",   # dot1qTpFdbTable
    "1.3.6.1.2.1.4.20",         # ipAddrTable
    "1.3.6.1.2.1.4.22",         # ipNetToMediaTable
    "1.3.6.1.2.1.4.35",         # ipNetToPhysicalTable
    "1.3.6.1.2.1.25.2",         # hrStorage
    "1.3.6.1.2.1.25.3.2",       # hrDeviceTable
]


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def tree_rss_kb(root):
    """Summed RSS of root and all its descendants, from /proc."""
    children = {}
    rss = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            rss[int(pid)] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
            children.setdefault(ppid, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def measure(cmd, env=None):
    """Runs cmd; returns (wall s, cpu s of it and its children, peak tree RSS MiB, exit status)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample)
    t.start()
    _, err = proc.communicate()
    wall = time.monotonic() - start
    done.set()
    t.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak / 1024.0, proc.returncode, err.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=4, help="snmpsim processes (each serves every recording)")
    ap.add_argument("--pantau", default=os.path.join(REPO, ".build", "release", "pantau"))
    ap.add_argument("--parallel", type=int, default=64, help="concurrency for both tools")
    ap.add_argument("--runs", type=int, default=1, help="repeat each tool this many times, report each run")
    args = ap.parse_args()

    recordings = sorted(f[:-8] for f in os.listdir(os.path.join(CORPUS, "snmp")) if f.endswith(".snmprec"))
    work = tempfile.mkdtemp(prefix="pantau-bench-")
    sims = []
    try:
        ports = []
        for i in range(args.agents):
            port = free_port()
            env = dict(os.environ, SNMPSIM_ALLOW_ROOT="true")
            sims.append(subprocess.Popen(
                [os.path.join(REPO, ".venv", "bin", "snmpsim-command-responder"), f"--data-dir={CORPUS}/snmp",
                 f"--cache-dir={work}/cache{i}", f"--agent-udpv4-endpoint=127.0.0.1:{port}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
            ports.append(port)
        for port in ports:  # wait until every agent answers
            for _ in range(120):
                r = subprocess.run(["snmpget", "-v2c", "-c", recordings[0], "-t", "0.5", "-r", "0", f"127.0.0.1:{port}",
                                    "1.3.6.1.2.1.1.1.0"], capture_output=True)
                if r.returncode == 0:
                    break
                time.sleep(0.25)
            else:
                sys.exit(f"snmpsim on port {port} did not answer")
        devices = [(port, name) for port in ports for name in recordings]

        cfg = os.path.join(work, "bench.yaml")
        with open(cfg, "w") as f:
            f.write(f"probes: {REPO}/probes\nconcurrency: {args.parallel}\ndefaults: {{timeout: 10, retries: 2, max_repetitions: 25}}\ncredentials:\n")
            for name in recordings:
                f.write(f"  {name}: {{version: v2c, community: {name}}}\n")
            f.write("targets:\n")
            for i, (port, name) in enumerate(devices):
                f.write(f"  - {{name: d{i:03d}-{name}, agent: 'udp:127.0.0.1:{port}', credentials: {name}}}\n")
        jobs = os.path.join(work, "jobs.txt")
        with open(jobs, "w") as f:
            for port, name in devices:
                for oid in TABLES:
                    f.write(f"{name} 127.0.0.1:{port} {oid}\n")
        walk = ("snmpbulkwalk -v2c -c \"$1\" -On -Cr25 -t 10 -r 2 \"$2\" \"$3\" > /dev/null 2>&1; "
                "rc=$?; [ $rc -eq 0 ] || [ $rc -eq 1 ] || echo \"$1 $2 $3 failed\" >&2")
        fleet = ["bash", "-c", f"xargs -P {args.parallel} -L 1 bash -c '{walk}' _ < {jobs}"]

        print(f"{len(devices)} simulated devices ({args.agents} snmpsim agents x {len(recordings)} recordings), "
              f"{len(TABLES)} tables each, concurrency {args.parallel}")
        print(f"pantau: {args.pantau}")
        rows = []
        for run in range(args.runs):
            store = os.path.join(work, f"bench{run}.sqlite")
            p = measure([args.pantau, "collect", "--once", "--quiet", "--config", cfg, "--store", store])
            if p[3] != 0:
                print("pantau reported failures:\n" + p[4][-2000:])
            rows.append(("pantau collect --once", run) + p[:3])
            s = measure(fleet)
            if s[4].strip():
                print("snmpbulkwalk failures:\n" + s[4][-2000:])
            rows.append((f"snmpbulkwalk x{len(devices) * len(TABLES)} (xargs -P {args.parallel})", run) + s[:3])
        print(f"{'tool':44} {'run':>3} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
        for name, run, wall, cpu, mem in rows:
            print(f"{name:44} {run + 1:>3} {wall:8.2f} {cpu:8.2f} {mem:9.1f}")
        pw = sum(r[2] for r in rows[0::2]) / args.runs
        pc = sum(r[3] for r in rows[0::2]) / args.runs
        sw = sum(r[2] for r in rows[1::2]) / args.runs
        sc = sum(r[3] for r in rows[1::2]) / args.runs
        print(f"mean: pantau {pw:.2f} s wall / {pc:.2f} s CPU; snmpbulkwalk fleet {sw:.2f} s wall / {sc:.2f} s CPU; "
              f"CPU ratio {sc / pc:.1f}x, wall ratio {sw / pw:.2f}x")
    finally:
        for s in sims:
            s.send_signal(signal.SIGTERM)
        for s in sims:
            try:
                s.wait(timeout=5)
            except subprocess.TimeoutExpired:
                s.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
