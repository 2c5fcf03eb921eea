#!/usr/bin/env bash
# Packet-sampling benchmark: wall time, CPU time and packets per second on the same large
# capture (the corpus's frames repeated) for
#   1. Pantau (libpcap read + decode + aggregate + store), sampling 1:1
#   2. tcpdump -r FILE -w /dev/null          (libpcap's own floor)
#   3. pmacctd reading the file (print plugin aggregating by MAC/VLAN/IP)
#   4. tshark -r FILE -T fields -e ...        (the same facts; once, it is slow)
# plus Pantau's peak memory on a capture with 1 million distinct source MACs.
#   [RUNS=3] [PANTAU=binary] bench/pcap-bench.sh [PACKETS]      (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
WORK="${BENCH_DIR:-/tmp/pantau-bench}"
mkdir -p "$WORK"
BIG="$WORK/big-$N.pcap"; MACS="$WORK/macs-$N.pcap"
[ -f "$BIG" ] || python3 bench/make-capture.py "$BIG" "$N"
[ -f "$MACS" ] || python3 bench/make-capture.py "$MACS" "$N" --distinct-macs
# PANTAU=path measures that binary (an older build, for a before/after comparison);
# otherwise the release build, brought up to date first so a stale binary is never measured.
# PANTAU_BEFORE=path also times that binary in the same rounds (a before/after comparison
# under the same load: the machine is shared).
if [ -z "${PANTAU:-}" ]; then swift build -c release --product pantau >/dev/null; PANTAU=$PWD/.build/release/pantau; fi

now() { date +%s.%N; }
pps() { python3 -c "import sys; print(int(float(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))" "$N" "$1" "$2"; }
secs() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
cat "$BIG" > /dev/null   # warm the page cache so every tool reads from memory

cat > "$WORK/pmacctd.conf" <<CONF
daemonize: false
pcap_savefile: $BIG
plugins: print
print_output_file: $WORK/pmacct-out.txt
print_output: csv
aggregate: src_mac, dst_mac, vlan, src_host, dst_host
CONF
# Pantau, the floor and pmacctd run alternately RUNS times (a fresh store each time) and the
# medians of wall and CPU time (user + system) are reported: bench/measure.py. pmacctd
# sleeps 2 s before reading a savefile ("PCAP capture file, sleeping for 2 seconds"); that
# pause is not packet processing, so it is taken out of its wall time (it costs no CPU).
echo "Packet sampling benchmark: $N packets, $(du -m "$BIG" | cut -f1) MB, $(nproc) cores, $(uname -m)"
python3 bench/measure.py --runs "${RUNS:-3}" --packets "$N" \
  --tool "pantau sample --read (decode+aggregate+store, 1:1)" --before "rm -f $WORK/store.sqlite*" \
    --cmd "$PANTAU sample --read $BIG --rate 1 --mode deterministic --store $WORK/store.sqlite" \
  --tool "tcpdump -r FILE -w /dev/null (libpcap floor)" --cmd "tcpdump -r $BIG -w /dev/null" \
  --tool "pmacctd print plugin (wall minus its 2 s sleep)" --minus 2 --cmd "pmacctd -f $WORK/pmacctd.conf" \
  ${PANTAU_BEFORE:+--tool "pantau (PANTAU_BEFORE build), same rounds" --before "rm -f $WORK/store-before.sqlite*" --cmd "$PANTAU_BEFORE sample --read $BIG --rate 1 --mode deterministic --store $WORK/store-before.sqlite"}
# tshark takes tens of seconds: once.
t4=$(now); tshark -r "$BIG" -n -T fields -e eth.src -e eth.dst -e vlan.id -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
  -e arp.src.proto_ipv4 -e lldp.tlv.system.name -e cdp.deviceid -e dhcp.option.dhcp_server_id -e dhcp.option.hostname \
  -e tcp.srcport -e udp.srcport -e frame.len > /dev/null 2>&1; t5=$(now)
echo "tshark -r FILE -T fields (same facts), once: $(pps "$t4" "$t5") packets/s, $(secs "$t4" "$t5") s wall"

rm -f "$WORK/macs.sqlite"*
/usr/bin/time -v $PANTAU sample --read "$MACS" --rate 1 --mode deterministic --store "$WORK/macs.sqlite" > "$WORK/macs.txt" 2> "$WORK/macs-time.txt"
rss=$(awk '/Maximum resident set size/ {print $6}' "$WORK/macs-time.txt")
/usr/bin/time -v $PANTAU sample --read "$BIG" --rate 1 --mode deterministic --store "$WORK/store2.sqlite" > /dev/null 2> "$WORK/big-time.txt"
rss_big=$(awk '/Maximum resident set size/ {print $6}' "$WORK/big-time.txt")
rm -f "$WORK/store2.sqlite"*

echo "pantau peak RSS: ${rss_big} KB on this capture; ${rss} KB with $N distinct source MACs (max_hosts 100000)"
echo "--- pantau summary (distinct MACs run) ---"; cat "$WORK/macs.txt"
