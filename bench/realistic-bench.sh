#!/usr/bin/env bash
# Packet-sampling benchmark on a many-host capture (a PD LAN's mirror port): CPU and wall
# time of the same file read by
#   1. Pantau `sample --read` at 1:1 with the capture's PD map (release build)
#   2. tcpdump -r FILE -w /dev/null          (libpcap's own floor)
#   3. pmacctd reading the file (print plugin aggregating by MAC/VLAN/IP)
# run alternately RUNS times; medians reported (bench/measure.py).
#   [RUNS=3] [SEED=13] [PANTAU=binary] bench/realistic-bench.sh [PACKETS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
SEED="${SEED:-13}"
WORK="${BENCH_DIR:-/tmp/pantau-bench}"
mkdir -p "$WORK"
CAP="$WORK/realistic-$N-seed$SEED.pcap"
[ -f "$CAP" ] || python3 bench/make-realistic-capture.py "$CAP" "$N" --seed "$SEED"
# PANTAU=path measures that binary (an older build, for a before/after comparison);
# otherwise the release build, brought up to date first so a stale binary is never measured.
# PANTAU_BEFORE=path also times that binary in the same rounds (a before/after comparison
# under the same load: the machine is shared).
if [ -z "${PANTAU:-}" ]; then swift build -c release --product pantau >/dev/null; PANTAU=$PWD/.build/release/pantau; fi
cat "$CAP" > /dev/null   # warm the page cache so every tool reads from memory
cat > "$WORK/pmacctd-realistic.conf" <<CONF
daemonize: false
pcap_savefile: $CAP
plugins: print
print_output_file: $WORK/pmacct-realistic-out.txt
print_output: csv
aggregate: src_mac, dst_mac, vlan, src_host, dst_host
CONF
echo "Packet sampling benchmark, many hosts: $N packets, $(du -mL "$CAP" | cut -f1) MB, $(nproc) cores, $(uname -m)"
python3 bench/measure.py --runs "${RUNS:-3}" --packets "$N" \
  --tool "pantau sample --read (1:1, PD map)" --before "rm -f $WORK/realistic.sqlite*" \
    --cmd "$PANTAU sample --read $CAP --rate 1 --mode deterministic --pd-map bench/realistic-pd-map.yaml --store $WORK/realistic.sqlite" \
  --tool "tcpdump -r FILE -w /dev/null (libpcap floor)" --cmd "tcpdump -r $CAP -w /dev/null" \
  --tool "pmacctd print plugin (wall minus its 2 s sleep)" --minus 2 --cmd "pmacctd -f $WORK/pmacctd-realistic.conf" \
  ${PANTAU_BEFORE:+--tool "pantau (PANTAU_BEFORE build), same rounds" --before "rm -f $WORK/realistic-before.sqlite*" --cmd "$PANTAU_BEFORE sample --read $CAP --rate 1 --mode deterministic --pd-map bench/realistic-pd-map.yaml --store $WORK/realistic-before.sqlite"}
rm -f "$WORK/realistic.sqlite"*
"$PANTAU" sample --read "$CAP" --rate 1 --mode deterministic --pd-map bench/realistic-pd-map.yaml --store "$WORK/realistic.sqlite"
