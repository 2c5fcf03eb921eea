#!/usr/bin/env bash
# The audit export benchmark (issue 20): a regency-wide bundle for a year from a store of 5,000
# devices, 100,000 interfaces and a year of traffic with its rollups; wall time and peak memory
# (GNU time) of `pantau export audit`, without and with report.pdf.
#
#   swift build -c release --product pantau && swift build -c release --product audit-bench
#   bench/audit-bench.sh                 # BIN, GEN, BENCH_DIR, POLL_HOURS, RUNS override
#
# The store is made once in BENCH_DIR (default /tmp/audit-bench) by audit-bench (devices,
# interfaces, traffic, findings through Pantau's store calls), then status polls every
# POLL_HOURS (default 1) hours for the year for every device, with sqlite3 (about 1 in 997
# polls unanswered, so outages exist), then the uptime rollup is built from those polls.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/pantau}
GEN=${GEN:-.build/release/audit-bench}
DIR=${BENCH_DIR:-/tmp/audit-bench}
HOURS=${POLL_HOURS:-1}
RUNS=${RUNS:-1}
if [ ! -f "$DIR/store.sqlite" ]; then
  "$GEN" --dir "$DIR" --repo "$PWD"
  sqlite3 "$DIR/store.sqlite" <<SQL
BEGIN;
WITH RECURSIVE t(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM t WHERE k + 1 < 365 * 24 / $HOURS)
INSERT INTO status_poll (device, time, interval, pd, hosting, reachable, sys_uptime, error)
SELECT d.name, 1735689600 + t.k * $HOURS * 3600, $HOURS * 3600, d.pd, 'pd',
       (d.id * 7919 + t.k) % 997 != 0,
       CASE WHEN (d.id * 7919 + t.k) % 997 = 0 THEN NULL ELSE t.k * $HOURS * 360000 + 100 END,
       CASE WHEN (d.id * 7919 + t.k) % 997 = 0 THEN 'no response (timeout)' END
FROM device d, t ORDER BY d.name, t.k;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  # The polls went in behind the store's back: build the uptime rollup from them (what the
  # migration does for a store made before the rollup).
  "$GEN" --dir "$DIR" --rebuild-uptime
fi
echo "store: $(du -h "$DIR/store.sqlite" | cut -f1); $(sqlite3 "$DIR/store.sqlite" "SELECT count(*) || ' devices' FROM device; SELECT count(*) || ' interfaces' FROM interface; SELECT count(*) || ' status polls' FROM status_poll; SELECT count(*) || ' findings' FROM finding;" | paste -sd, -)"
export PANTAU_STORE="$DIR/store.sqlite" PANTAU_NOW=2026-01-02T00:00:00Z PANTAU_PROFILES="$PWD/config/profiles"
for run in $(seq "$RUNS"); do
  for formats in csv,json,html csv,json,html,pdf; do
    out="$DIR/out-$run-${formats//,/-}"
    rm -rf "$out"
    /usr/bin/time -v "$BIN" export audit --period 2025 --format "$formats" --out "$out" --by bench >/dev/null 2>"$DIR/time.txt" || { cat "$DIR/time.txt"; exit 1; }
    wall=$(grep "Elapsed (wall clock)" "$DIR/time.txt" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$DIR/time.txt" | awk '{print $NF}')
    cpu=$(grep -E "User time|System time" "$DIR/time.txt" | awk '{s += $NF} END {printf "%.1f", s}')
    size=$(du -sh "$out" | cut -f1)
    echo "formats $formats: wall $wall, cpu ${cpu} s, peak RSS $((rss / 1024)) MiB, bundle $size ($(ls "$out" | wc -l) files)"
  done
done
