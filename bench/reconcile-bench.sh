#!/usr/bin/env bash
# Reconciliation benchmark: a synthetic regency (bench/make-regency.py: 60 PDs, 5,000
# declared devices, 100,000 host sightings) loaded into a store through the binary (registry
# load, one diagram submit per PD, sample --read of the hosts' capture), then `pantau
# reconcile` timed on a fresh copy of that store RUNS times: the first run (every finding
# opened and written) and a second (nothing changes). Prints the median wall and CPU time
# and peak RSS of each.
#   [RUNS=3] [PANTAU=binary] bench/reconcile-bench.sh [PDS DEVICES HOSTS]
set -euo pipefail
cd "$(dirname "$0")/.."
PDS="${1:-60}"; DEVICES="${2:-5000}"; HOSTS="${3:-100000}"
RUNS="${RUNS:-3}"
WORK="${BENCH_DIR:-/tmp/pantau-bench}/regency-$PDS-$DEVICES-$HOSTS"
if [ -z "${PANTAU:-}" ]; then swift build -c release --product pantau >/dev/null; PANTAU=$PWD/.build/release/pantau; fi
[ -f "$WORK/hosts.pcap" ] || python3 bench/make-regency.py "$WORK" --pds "$PDS" --devices "$DEVICES" --hosts "$HOSTS"
export PANTAU_NOW=2026-12-01T03:00:00Z PANTAU_PROFILES=$PWD/config/profiles
BASE="$WORK/base.sqlite"
rm -f "$BASE" "$BASE"-*
export PANTAU_STORE="$BASE"
"$PANTAU" profile activate manggarai >/dev/null
"$PANTAU" registry load "$WORK/registry.yaml" >/dev/null
for f in "$WORK"/diagrams/*.yaml; do
  PANTAU_NOW=2026-11-01 "$PANTAU" diagram submit --pd "$(basename "$f" .yaml)" "$f" --by bench >/dev/null
done
"$PANTAU" sample --read "$WORK/hosts.pcap" --capture-point core-span >/dev/null
# (each submit reconciled its PD at once, before any host was sampled: the first timed run opens the rest)
measure() {  # prints: wall user+sys maxrss_kib
  /usr/bin/time -f 'TIME %e %U %S %M' "$@" 2>&1 >/dev/null | awk '/^TIME/ {printf "%s %.2f %s\n", $2, $3 + $4, $5}'
}
first=(); second=()
for i in $(seq 1 "$RUNS"); do
  STORE="$WORK/run.sqlite"; rm -f "$STORE" "$STORE"-*; cp "$BASE" "$STORE"
  export PANTAU_STORE="$STORE"
  first+=("$(measure "$PANTAU" reconcile)")
  second+=("$(measure "$PANTAU" reconcile)")
done
findings=$("$PANTAU" findings list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
median() { printf '%s\n' "$@" | sort -n -k2 | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
report() { read -r wall cpu rss <<<"$2"; printf '%-30s wall %5.2f s  CPU %5.2f s  peak RSS %4d MiB\n' "$1" "$wall" "$cpu" "$((rss / 1024))"; }
echo "regency: $PDS PDs, $DEVICES declared devices, $HOSTS host sightings; $findings findings present; median of $RUNS (by CPU)"
report "reconcile (first run)" "$(median "${first[@]}")"
report "reconcile (again, no change)" "$(median "${second[@]}")"
