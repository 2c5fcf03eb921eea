#!/usr/bin/env bash
# Reconciliation benchmark: a synthetic regency (bench/make-regency.py: 60 PDs, 5,000
# declared devices, 100,000 host sightings) loaded into a store through the binary (registry
# load, one diagram submit per PD, sample --read of the hosts' capture), then `pantau
# reconcile` timed on a fresh copy of that store RUNS times: the first run (every finding
# opened and written) and a second (nothing changes). Prints the median wall and CPU time
# and peak RSS of each.
#
# With BEFORE=binary, that binary is measured too, interleaved with PANTAU in the same run
# (before, after, before, after, ...: both see the same load), each on a store it loaded
# itself; at the end the two stores' findings (`findings list --all --json`, each listed by
# the binary that wrote it) and action logs are compared.
#   [RUNS=3] [PANTAU=binary] [BEFORE=binary] bench/reconcile-bench.sh [PDS DEVICES HOSTS]
set -euo pipefail
cd "$(dirname "$0")/.."
PDS="${1:-60}"; DEVICES="${2:-5000}"; HOSTS="${3:-100000}"
RUNS="${RUNS:-3}"
WORK="${BENCH_DIR:-/tmp/pantau-bench}/regency-$PDS-$DEVICES-$HOSTS"
if [ -z "${PANTAU:-}" ]; then swift build -c release --product pantau >/dev/null; PANTAU=$PWD/.build/release/pantau; fi
[ -f "$WORK/hosts.pcap" ] || python3 bench/make-regency.py "$WORK" --pds "$PDS" --devices "$DEVICES" --hosts "$HOSTS"
export PANTAU_NOW=2026-12-01T03:00:00Z PANTAU_PROFILES=$PWD/config/profiles

load_base() {  # binary, store: the regency loaded through that binary
  local bin=$1 base=$2
  rm -f "$base" "$base"-*
  PANTAU_STORE="$base" "$bin" profile activate manggarai >/dev/null
  PANTAU_STORE="$base" "$bin" registry load "$WORK/registry.yaml" >/dev/null
  for f in "$WORK"/diagrams/*.yaml; do
    PANTAU_STORE="$base" PANTAU_NOW=2026-11-01 "$bin" diagram submit --pd "$(basename "$f" .yaml)" "$f" --by bench >/dev/null
  done
  PANTAU_STORE="$base" "$bin" sample --read "$WORK/hosts.pcap" --capture-point core-span >/dev/null
  # (each submit reconciled its PD at once, before any host was sampled: the first timed run opens the rest)
}
measure() {  # prints: wall user+sys maxrss_kib
  /usr/bin/time -f 'TIME %e %U %S %M' "$@" 2>&1 >/dev/null | awk '/^TIME/ {printf "%s %.2f %s\n", $2, $3 + $4, $5}'
}
median() { printf '%s\n' "$@" | sort -n -k2 | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
report() { read -r wall cpu rss <<<"$2"; printf '%-40s wall %5.2f s  CPU %5.2f s  peak RSS %4d MiB\n' "$1" "$wall" "$cpu" "$((rss / 1024))"; }

load_base "$PANTAU" "$WORK/base.sqlite"
[ -z "${BEFORE:-}" ] || load_base "$BEFORE" "$WORK/base-before.sqlite"
first=(); second=(); bfirst=(); bsecond=()
for i in $(seq 1 "$RUNS"); do
  if [ -n "${BEFORE:-}" ]; then
    STORE="$WORK/run-before.sqlite"; rm -f "$STORE" "$STORE"-*; cp "$WORK/base-before.sqlite" "$STORE"
    bfirst+=("$(PANTAU_STORE="$STORE" measure "$BEFORE" reconcile)")
    bsecond+=("$(PANTAU_STORE="$STORE" measure "$BEFORE" reconcile)")
  fi
  STORE="$WORK/run.sqlite"; rm -f "$STORE" "$STORE"-*; cp "$WORK/base.sqlite" "$STORE"
  first+=("$(PANTAU_STORE="$STORE" measure "$PANTAU" reconcile)")
  second+=("$(PANTAU_STORE="$STORE" measure "$PANTAU" reconcile)")
done
findings=$(PANTAU_STORE="$WORK/run.sqlite" "$PANTAU" findings list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "regency: $PDS PDs, $DEVICES declared devices, $HOSTS host sightings; $findings findings present; median of $RUNS (by CPU); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${BEFORE:-}" ]; then
  report "before: reconcile (first run)" "$(median "${bfirst[@]}")"
  report "before: reconcile (again, no change)" "$(median "${bsecond[@]}")"
fi
report "reconcile (first run)" "$(median "${first[@]}")"
report "reconcile (again, no change)" "$(median "${second[@]}")"
if [ -n "${BEFORE:-}" ]; then
  for s in run:$PANTAU run-before:$BEFORE; do
    bin=${s#*:}; s=${s%%:*}
    PANTAU_STORE="$WORK/$s.sqlite" "$bin" findings list --all --json >"$WORK/$s.findings.json"
    python3 - "$WORK/$s.sqlite" >"$WORK/$s.log.txt" <<'EOF'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute("SELECT finding_id, at, actor, action, reason FROM finding_action ORDER BY id"):
    print(row)
EOF
  done
  if cmp -s "$WORK/run.findings.json" "$WORK/run-before.findings.json" && cmp -s "$WORK/run.log.txt" "$WORK/run-before.log.txt"; then
    echo "findings and action log: the same in both stores"
  else
    echo "findings or action log DIFFER: diff $WORK/run.findings.json $WORK/run-before.findings.json; $WORK/run.log.txt $WORK/run-before.log.txt"
  fi
fi
