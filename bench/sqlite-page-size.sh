#!/usr/bin/env bash
# What a larger SQLite page costs the daemon's small writes (not a test; BENCHMARKS.md, traffic
# storage, session 7). With the sqlite3 CLI, for each page size: a store shaped like Pantau's
# traffic tables (1,000 series, a day of raw per-minute rows each, WAL, synchronous=NORMAL),
# then CYCLES poll cycles, each one transaction that rewrites every series' state and appends
# one raw row per series. Prints the CPU of the cycles and the bytes they wrote (pwrite64,
# counted by strace in a second, untimed run).
#
#   bench/sqlite-page-size.sh [CYCLES] [DIR]
set -euo pipefail
cycles=${1:-60}
dir=${2:-/tmp/sqlite-page-size}
mkdir -p "$dir"
for ps in 4096 16384; do
    db="$dir/store-$ps.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    sqlite3 "$db" > /dev/null <<SQL
PRAGMA page_size = $ps; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
CREATE TABLE s (id INTEGER PRIMARY KEY, device TEXT, interface TEXT, state TEXT, UNIQUE (device, interface));
CREATE TABLE r (series_id INTEGER NOT NULL, end_time REAL NOT NULL, a INTEGER, b INTEGER, c INTEGER, d INTEGER, e TEXT,
                PRIMARY KEY (series_id, end_time)) WITHOUT ROWID;
CREATE INDEX r_t ON r (end_time);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)
INSERT INTO s SELECT x, 'sw' || (x / 48), 'ge-0/0/' || (x % 48), hex(randomblob(300)) FROM c;
WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 1439)
INSERT INTO r SELECT s.id, 1e9 + x * 60, abs(random() % 1e12), abs(random() % 1e12), 0, 0, 'rate' FROM c, s ORDER BY s.id, x;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
    cp "$db" "$db.orig"
    for k in $(seq 1 "$cycles"); do
        t=$((1000000000 + (1440 + k) * 60))
        echo "BEGIN; UPDATE s SET state = hex(randomblob(300)); INSERT INTO r SELECT id, $t, abs(random() % 1e12), abs(random() % 1e12), 0, 0, 'rate' FROM s; COMMIT;"
    done > "$dir/cycles.sql"
    /usr/bin/time -f "page $ps: $cycles cycles, %U s user + %S s system" sqlite3 "$db" < "$dir/cycles.sql"
    cp "$db.orig" "$db"; rm -f "$db-wal" "$db-shm"
    strace -f -e trace=pwrite64 -o "$dir/strace-$ps.txt" sqlite3 "$db" < "$dir/cycles.sql"
    awk -F'= ' -v ps="$ps" -v n="$cycles" '/pwrite64/ { s += $NF } END { printf "page %s: %.1f MiB written per cycle\n", ps, s / n / 1048576 }' "$dir/strace-$ps.txt"
done
