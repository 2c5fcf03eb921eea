#!/usr/bin/env bash
# Fuzzes Pantau's packet decoders with libFuzzer (+ AddressSanitizer) for a bounded time.
# Seeds: every frame of the pcap corpus (one file per frame, prefixed with the selector
# byte for Ethernet). Exits non-zero when the fuzzer finds a crash, leak or timeout.
#   scripts/fuzz-decoders.sh [seconds]    (default 60; FUZZ_SECONDS also works)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_BUDGET="${1:-${FUZZ_SECONDS:-60}}"
CORPUS_DIR="${PANTAU_CORPUS:-$(cd .. && pwd)/shared/corpus}/pcap"
OUT=.build/fuzz
mkdir -p "$OUT/seeds" "$OUT/artifacts" "$OUT/work"
# Reproducers from an earlier run must not pass for this one's (or hide that it found none).
rm -f "$OUT"/artifacts/*

echo "fuzz: building decoder harness with -sanitize=fuzzer,address"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name PacketDecoding \
  Sources/PacketDecoding/*.swift Fuzz/DecoderFuzz/main.swift -o "$OUT/decoder-fuzz"

# Seeds from the corpus: each frame as "\x00" + frame bytes (selector 0 = Ethernet), and
# each sFlow datagram (UDP to port 6343) as "\x03" + datagram (selector 3 = sFlow).
if [ -d "$CORPUS_DIR" ] && [ -z "$(ls -A "$OUT/seeds")" ]; then
  python3 - "$CORPUS_DIR" "$OUT/seeds" <<'PY'
import os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
n = sflow = 0
for name in sorted(os.listdir(src)):
    if not name.endswith(".pcap"): continue
    data = open(os.path.join(src, name), "rb").read()
    end = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    off = 24
    while off + 16 <= len(data) and n < 3000:
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        open(os.path.join(dst, "%05d" % n), "wb").write(b"\x00" + frame)
        n += 1
        # An IPv4/UDP frame to port 6343 (untagged Ethernet) carries an sFlow datagram.
        if len(frame) > 42 and frame[12:14] == b"\x08\x00" and frame[23] == 17:
            ihl = (frame[14] & 0x0f) * 4
            udp = 14 + ihl
            if len(frame) >= udp + 8 and struct.unpack(">H", frame[udp + 2:udp + 4])[0] == 6343:
                open(os.path.join(dst, "sflow-%05d" % sflow), "wb").write(b"\x03" + frame[udp + 8:])
                sflow += 1
# sFlow v5 datagrams built here around corpus frames (sflow_version_5.txt layout): a flow
# sample with a raw-header record, and a generic-interface counter sample.
def sflow_datagram(seq, frame):
    hdr = frame[:128]
    hdr_padded = hdr + b"\x00" * (-len(hdr) % 4)
    raw = struct.pack(">IIII", 1, len(frame) + 4, 4, len(hdr)) + hdr_padded
    flow_body = struct.pack(">IIIIIIII", seq, 3, 512, seq * 512, 0, 3, 4, 1) + struct.pack(">II", 1, len(raw)) + raw
    counters = struct.pack(">IIQIIQIIIIIIQIIIIII", 3, 6, 1000000000, 1, 3, seq * 1500, seq, 0, 0, 0, 0, 0,
                           seq * 900, seq, 0, 0, 0, 0, 0)
    counter_body = struct.pack(">III", seq, 3, 1) + struct.pack(">II", 1, len(counters)) + counters
    samples = struct.pack(">II", 1, len(flow_body)) + flow_body + struct.pack(">II", 2, len(counter_body)) + counter_body
    return struct.pack(">II4sIIII", 5, 1, bytes([10, 0, 0, 1]), 0, seq, seq * 1000, 2) + samples
frames = sorted(f for f in os.listdir(dst) if not f.startswith("sflow"))[:64]
for i, name in enumerate(frames):
    frame = open(os.path.join(dst, name), "rb").read()[1:]
    open(os.path.join(dst, "sflow-built-%03d" % i), "wb").write(b"\x03" + sflow_datagram(i + 1, frame))
    sflow += 1
print("fuzz: %d seed frames, %d sFlow datagrams" % (n, sflow))
if n == 0:
    sys.exit("fuzz: no seed frames in " + src)
PY
fi

echo "fuzz: running for ${SECONDS_BUDGET}s"
status=0
"$OUT/decoder-fuzz" -max_total_time="$SECONDS_BUDGET" -max_len=2048 -timeout=5 -rss_limit_mb=1024 \
  -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 "$OUT/work" "$OUT/seeds" > "$OUT/fuzz.log" 2>&1 || status=$?
tail -n 25 "$OUT/fuzz.log"
# libFuzzer exits non-zero and writes crash-*/leak-*/timeout-*/oom-* artifacts when it finds something.
if [ "$status" != 0 ] || ls "$OUT/artifacts/" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
  echo "fuzz: FAILED (exit $status), reproducers in $OUT/artifacts/"
  exit 1
fi
# A harness that never ran proves nothing: it must report its executions.
runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$OUT/fuzz.log" | grep -oE '[0-9]+$' || true)
if [ -z "$runs" ] || [ "$runs" -lt 1000 ]; then
  echo "fuzz: FAILED, the harness did not run (executed units: ${runs:-none})"
  exit 1
fi
echo "fuzz: ok, ${runs} inputs"
