#!/usr/bin/env python3
"""Builds a large classic-pcap capture from the corpus for the sampling benchmark.

    bench/make-capture.py OUT.pcap [PACKETS] [--distinct-macs]

Frames are the corpus frames in order, repeated, with timestamps 100 us apart (so the run
spans minutes of capture time). --distinct-macs rewrites each frame's source MAC to a
unique locally administered address, for the bounded-memory check (a MAC flood).
"""
import os, struct, sys

def frames(corpus):
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".pcap"):
            continue
        data = open(os.path.join(corpus, name), "rb").read()
        end = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
        off = 24
        while off + 16 <= len(data):
            _, _, caplen, wirelen = struct.unpack(end + "IIII", data[off:off + 16])
            yield data[off + 16:off + 16 + caplen], wirelen
            off += 16 + caplen

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    distinct = "--distinct-macs" in sys.argv
    out = args[0]
    count = int(args[1]) if len(args) > 1 else 1_000_000
    corpus = os.path.join(os.environ.get("PANTAU_CORPUS", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")), "pcap")
    base = list(frames(corpus))
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1_700_000_000 * 1_000_000
        for i in range(count):
            frame, wire = base[i % len(base)]
            if distinct and len(frame) >= 12:
                mac = struct.pack(">Q", 0x020000000000 | i)[2:]
                frame = frame[:6] + mac + frame[12:]
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), wire))
            f.write(frame)
            t += 100
    print(f"{out}: {count} packets from {len(base)} corpus frames{' with distinct source MACs' if distinct else ''}")

main()
