#!/usr/bin/env bash
# Where an audit export's memory goes (issue 20): runs `pantau export audit` on a pseudo-terminal
# (so it draws its progress bar), samples its resident memory every 0.1 s beside the step the
# progress bar shows, and prints GNU time's summary and the largest samples with their step.
#
#   bench/audit-memory.sh OUTDIR [FORMATS]    # BIN, STORE, PERIOD, PANTAU_NOW override
#
# OUTDIR must not exist; OUTDIR.rss (time, RSS in KiB, step) and OUTDIR.time are written beside it.
# The samples are pantau's own memory; with pdf, GNU time's peak is Chromium's renderer if larger.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$1
FORMATS=${2:-csv,json,html}
BIN=${BIN:-$PWD/.build/release/pantau}
STORE=${STORE:-/tmp/audit-bench/store.sqlite}
PERIOD=${PERIOD:-2025}
export PANTAU_NOW=${PANTAU_NOW:-2026-01-02T00:00:00Z}
TYPESCRIPT=$(mktemp)
trap 'rm -f "$TYPESCRIPT"' EXIT
script -qfc "/usr/bin/time -v -o '$OUT.time' '$BIN' export audit --period '$PERIOD' --format '$FORMATS' --store '$STORE' --out '$OUT' --by bench >/dev/null" "$TYPESCRIPT" >/dev/null &
RUNNER=$!
PID=""
for _ in $(seq 100); do
  PID=$(pgrep -n -f -x "$BIN export audit --period $PERIOD --format $FORMATS --store $STORE --out $OUT --by bench" || true)
  [ -n "$PID" ] && break
  sleep 0.05
done
START=$(date +%s.%N)
while [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; do
  RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status" 2>/dev/null || true)
  STEP=$( (tr '\r' '\n' < "$TYPESCRIPT" | grep -a . || true) | tail -1 | sed 's/^.*\] //; s/ *$//' | cut -c1-40)
  printf "%6.1f %8s %s\n" "$(echo "$(date +%s.%N) - $START" | bc)" "${RSS:-0}" "$STEP"
  sleep 0.1
done > "$OUT.rss"
wait "$RUNNER"
grep -E "User time|System time|Elapsed|Maximum resident" "$OUT.time"
echo "largest samples (s, KiB, step):"
sort -k2 -n "$OUT.rss" | tail -3
