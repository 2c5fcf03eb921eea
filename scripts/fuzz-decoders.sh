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

echo "fuzz: building decoder harness with -sanitize=fuzzer,address"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name PacketDecoding \
  Sources/PacketDecoding/*.swift Fuzz/DecoderFuzz/main.swift -o "$OUT/decoder-fuzz"

# Seeds from the corpus: each frame as "\x00" + frame bytes (selector 0 = Ethernet).
if [ -d "$CORPUS_DIR" ] && [ -z "$(ls -A "$OUT/seeds")" ]; then
  python3 - "$CORPUS_DIR" "$OUT/seeds" <<'PY'
import os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
n = 0
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
print("fuzz: %d seed frames" % n)
PY
fi

echo "fuzz: running for ${SECONDS_BUDGET}s"
"$OUT/decoder-fuzz" -max_total_time="$SECONDS_BUDGET" -max_len=2048 -timeout=5 -rss_limit_mb=1024 \
  -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 "$OUT/work" "$OUT/seeds" 2>&1 | tail -n 25 &
wait $! || true
# libFuzzer writes crash-*/leak-*/timeout-* artifacts when it finds something.
if ls "$OUT/artifacts/" | grep -qE '^(crash|leak|timeout|oom)-'; then
  echo "fuzz: FAILED, reproducers in $OUT/artifacts/"
  exit 1
fi
echo "fuzz: ok"
