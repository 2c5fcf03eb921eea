#!/usr/bin/env bash
# Offline probe matching and evaluation over every recording of a directory (default: the
# LibreNMS corpus), with the release build: `pantau probes test --recording DIR`, no network.
# Prints wall and CPU seconds of each run and pantau's own summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-$(cd .. && pwd)/shared/corpus/snmp-librenms}"
RUNS="${RUNS:-3}"
BIN="${BIN:-.build/release/pantau}"   # BIN=.build/debug/pantau measures the debug build
[ -x "$BIN" ] || { echo "build first: swift build -c release --product pantau"; exit 2; }
for i in $(seq 1 "$RUNS"); do
  out=$( { /usr/bin/time -f 'TIME %e %U %S %M' "$BIN" probes test --recording "$DIR" --probes probes | tail -2; } 2>&1 )
  read -r _ wall user sys rss < <(grep '^TIME' <<<"$out")
  printf 'run %d: wall %s s, CPU %.2f s, peak RSS %d MiB; %s\n' "$i" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" \
    "$(grep -v '^TIME' <<<"$out" | head -1)"
done
