#!/usr/bin/env python3
"""Makes the lab's recorded devices move: copies snmpsim recordings (.snmprec) and turns
their clocks and interface octet counters into snmpsim's `numeric` variation, so that a
recording served by snmpsim counts up like a live device.

    scripts/lab-vary.py SOURCE_DIR DEST_DIR [NAME ...]

- sysUpTime and hrSystemUptime advance 100 ticks a second from their recorded value.
- ifHCInOctets/ifHCOutOctets (Counter64) and ifInOctets/ifOutOctets (Counter32, wrapping)
  of each interface that is up (ifOperStatus 1) grow at a steady rate from their recorded
  value: 2 kB/s to 250 kB/s (16 kbit/s to 2 Mbit/s), chosen from the recording's and the
  interface's names so every run of the lab gives the same rates, and at most a quarter of
  the interface's speed. The 32-bit and 64-bit counters of one interface move together.
- Everything else is copied as recorded. Only the NAMEs given are copied (all without any).

The recordings' own files are never changed. scripts/lab.sh serves DEST_DIR.
"""
import hashlib
import os
import sys

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
HR_UPTIME = "1.3.6.1.2.1.25.1.1.0"
IF_OPER = "1.3.6.1.2.1.2.2.1.8."
IF_SPEED = "1.3.6.1.2.1.2.2.1.5."
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15."
# Counter column prefix -> direction.
COUNTERS = {
    "1.3.6.1.2.1.2.2.1.10.": "in",        # ifInOctets
    "1.3.6.1.2.1.2.2.1.16.": "out",       # ifOutOctets
    "1.3.6.1.2.1.31.1.1.1.6.": "in",      # ifHCInOctets
    "1.3.6.1.2.1.31.1.1.1.10.": "out",    # ifHCOutOctets
}
MIN_RATE, MAX_RATE = 2_000, 250_000   # octets per second


def rate(recording, index, direction, speed_bps):
    digest = hashlib.sha256(f"{recording}/{index}/{direction}".encode()).digest()
    r = MIN_RATE + int.from_bytes(digest[:4], "big") % (MAX_RATE - MIN_RATE)
    if speed_bps:
        r = min(r, max(1, speed_bps // 8 // 4))
    return r


def vary(name, lines):
    up, speed = set(), {}
    for line in lines:
        oid, _, rest = line.partition("|")
        tag, _, value = rest.partition("|")
        if oid.startswith(IF_OPER) and value.strip() == "1":
            up.add(oid[len(IF_OPER):])
        elif oid.startswith(IF_SPEED) and tag == "66" and value.strip().isdigit():
            speed.setdefault(oid[len(IF_SPEED):], int(value))
        elif oid.startswith(IF_HIGH_SPEED) and tag == "66" and value.strip().isdigit() and int(value) > 0:
            speed[oid[len(IF_HIGH_SPEED):]] = int(value) * 1_000_000   # ifHighSpeed (Mbit/s) wins: ifSpeed saturates at 4.29 Gbit/s
    out, varied = [], 0
    for line in lines:
        oid, sep, rest = line.partition("|")
        tag, _, value = rest.partition("|")
        value = value.rstrip("\n")
        if sep and tag == "67" and oid in (SYS_UPTIME, HR_UPTIME) and value.isdigit():
            out.append(f"{oid}|67:numeric|initial={value},rate=100,wrap=1\n")
            varied += 1
            continue
        column = next((c for c in COUNTERS if oid.startswith(c)), None)
        if sep and column and tag in ("65", "70") and value.isdigit():
            index = oid[len(column):]
            if index in up:
                r = rate(name, index, COUNTERS[column], speed.get(index, 0))
                wrap = ",wrap=1" if tag == "65" else ""
                out.append(f"{oid}|{tag}:numeric|initial={value},rate={r}{wrap}\n")
                varied += 1
                continue
        out.append(line if line.endswith("\n") else line + "\n")
    return out, varied


def main(argv):
    if len(argv) < 3:
        print("usage: scripts/lab-vary.py SOURCE_DIR DEST_DIR [NAME ...]", file=sys.stderr)
        return 2
    src, dst, names = argv[1], argv[2], set(argv[3:])
    os.makedirs(dst, exist_ok=True)
    total = 0
    for entry in sorted(os.listdir(src)):
        if not entry.endswith(".snmprec"):
            continue
        name = entry[: -len(".snmprec")]
        if names and name not in names:
            continue
        with open(os.path.join(src, entry), encoding="utf-8", errors="surrogateescape") as f:
            lines = f.readlines()
        out, varied = vary(name, lines)
        tmp = os.path.join(dst, entry + ".tmp")
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.writelines(out)
        os.replace(tmp, os.path.join(dst, entry))
        total += varied
    print(f"lab-vary: {total} values made to move in {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
