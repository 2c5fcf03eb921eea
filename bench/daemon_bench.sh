#!/usr/bin/env bash
# Collector polling cost: Pantau's daemon (status GET + IF-MIB counter walk of every target at
# each interval, --counter-log) against Prometheus's snmp_exporter (Debian
# prometheus-snmp-exporter, an if_mib-style module over the same counter columns, scraped at
# the same interval), both polling the same real agents: snmpds in network namespaces, each
# serving IFACES interfaces (veth pairs). Prints each tool's CPU per cycle (steady state: the first
# cycle, with start-up and Pantau's first inventory walk, is left out) and memory.
#
#   bench/daemon_bench.sh                 4 agents x 250 interfaces, 60 s cycles, 3 measured
#   AGENTS=2 IFACES=500 CYCLES=2 INTERVAL=30 bench/daemon_bench.sh
#
# Needs root (namespaces), snmpd, prometheus-snmp-exporter, curl, and the release build
# (swift build -c release --product pantau). Uses 10.97.N.0/30 and loopback ports 29116/29464.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=${AGENTS:-4}; IFACES=${IFACES:-250}; CYCLES=${CYCLES:-3}; INTERVAL=${INTERVAL:-60}
BIN=${BIN:-.build/release/pantau}
EXPORTER=${EXPORTER:-/usr/bin/prometheus-snmp-exporter}
[ -x "$BIN" ] || { echo "build first: swift build -c release --product pantau"; exit 2; }
[ -x "$EXPORTER" ] || { echo "install prometheus-snmp-exporter"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 2; }
W=$(mktemp -d /tmp/pantau-daemon-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in $(seq 1 "$AGENTS"); do ip netns del "pbench$n" 2>/dev/null || true; ip link del "pbench$n" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

# The agents: one namespace each, a veth to the host, IFACES interfaces, a real snmpd.
for n in $(seq 1 "$AGENTS"); do
  ip netns add "pbench$n"
  ip link add "pbench$n" type veth peer name uplink netns "pbench$n"
  ip addr add "10.97.$n.1/30" dev "pbench$n"; ip link set "pbench$n" up
  ip netns exec "pbench$n" ip link set lo up
  ip netns exec "pbench$n" ip addr add "10.97.$n.2/30" dev uplink
  ip netns exec "pbench$n" ip link set uplink up
  # veth pairs (this kernel may lack the dummy driver): two interfaces each.
  for i in $(seq 1 $(((IFACES - 2) / 2))); do echo "link add a$i type veth peer name b$i"; done | ip -n "pbench$n" -batch -
  ip netns exec "pbench$n" /usr/sbin/snmpd -f -Lo -C -c "$PWD/lab/snmpd.conf" -p "$W/snmpd$n.pid" \
    --persistentDir="$W/snmpd$n" "udp:10.97.$n.2:161" >"$W/snmpd$n.log" 2>&1 &
  PIDS+=($!)
done
for n in $(seq 1 "$AGENTS"); do
  for _ in $(seq 1 80); do snmpget -v2c -c pantau-lab -t 1 -r 0 "10.97.$n.2" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.25; done
done
total=$(for n in $(seq 1 "$AGENTS"); do snmpwalk -v2c -c pantau-lab -Oqn "10.97.$n.2" 1.3.6.1.2.1.2.2.1.1; done | wc -l)
echo "agents: $AGENTS snmpd with $total interfaces in all; interval ${INTERVAL}s, $CYCLES measured cycles"

# The same columns for both: status (sysUpTime), and ifTable/ifXTable descr, speed, MAC, oper
# status, octets, discards, errors, name, HC octets, high speed, alias, discontinuity time.
COLS="1.3.6.1.2.1.2.2.1.2 1.3.6.1.2.1.2.2.1.5 1.3.6.1.2.1.2.2.1.6 1.3.6.1.2.1.2.2.1.8 1.3.6.1.2.1.2.2.1.10 1.3.6.1.2.1.2.2.1.13
1.3.6.1.2.1.2.2.1.14 1.3.6.1.2.1.2.2.1.16 1.3.6.1.2.1.2.2.1.19 1.3.6.1.2.1.2.2.1.20 1.3.6.1.2.1.31.1.1.1.1 1.3.6.1.2.1.31.1.1.1.6
1.3.6.1.2.1.31.1.1.1.10 1.3.6.1.2.1.31.1.1.1.15 1.3.6.1.2.1.31.1.1.1.18 1.3.6.1.2.1.31.1.1.1.19"
{
  echo "if_mib:"
  echo "  version: 2"
  echo "  auth: {community: pantau-lab}"
  echo "  max_repetitions: 25"
  echo "  retries: 1"
  echo "  timeout: 5s"
  echo "  get: [1.3.6.1.2.1.1.3.0]"
  echo "  walk: [$(echo $COLS | tr ' ' ',')]"
  echo "  metrics:"
  echo "  - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge}"
  i=0
  for c in $COLS; do
    i=$((i + 1))
    case $c in
      *.2.2.1.2|*.31.1.1.1.1|*.31.1.1.1.18) t=DisplayString ;;
      *.2.2.1.6) t=PhysAddress48 ;;
      *.2.2.1.10|*.2.2.1.13|*.2.2.1.14|*.2.2.1.16|*.2.2.1.19|*.2.2.1.20|*.31.1.1.1.6|*.31.1.1.1.10) t=counter ;;
      *) t=gauge ;;
    esac
    echo "  - name: col$i"
    echo "    oid: $c"
    echo "    type: $t"
    echo "    indexes: [{labelname: ifIndex, type: gauge}]"
  done
} > "$W/snmp.yml"

{
  echo "store: $W/pantau.sqlite"
  echo "probes: $PWD/probes"
  echo "credentials: {lab: {community: pantau-lab}}"
  echo "daemon: {interval: $INTERVAL, inventory_interval: 30d, metrics: off}"
  echo "targets:"
  for n in $(seq 1 "$AGENTS"); do echo "  - {name: agent$n, agent: \"udp:10.97.$n.2\", credentials: lab, options: {timeout: 5, retries: 1}}"; done
} > "$W/pantau.yaml"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }    # user + system, clock ticks
HZ=$(getconf CLK_TCK)
mem() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$1/status"; }

# Pantau: the daemon runs CYCLES+1 intervals; CPU is read after the first and at the end.
"$BIN" collect --config "$W/pantau.yaml" --counter-log "$W/counters.jsonl" >"$W/pantau.log" 2>&1 &
pp=$!; PIDS+=($pp)
sleep "$INTERVAL"
c0=$(ticks $pp)
sleep $((INTERVAL * CYCLES))
c1=$(ticks $pp); m=$(mem $pp)
kill -TERM $pp; wait $pp || true
polls=$(wc -l <"$W/counters.jsonl")
printf 'pantau:        %.3f s CPU per %ss cycle (%.2f %% of a core), %s(%d counter polls)\n' \
  "$(echo "($c1 - $c0) / $HZ / $CYCLES" | bc -l)" "$INTERVAL" "$(echo "($c1 - $c0) / $HZ / ($INTERVAL * $CYCLES) * 100" | bc -l)" "$m" "$polls"

# snmp_exporter: scraped for every agent at the start of each cycle, as Prometheus would.
"$EXPORTER" --config.file="$W/snmp.yml" --web.listen-address=127.0.0.1:29116 >"$W/exporter.log" 2>&1 &
ep=$!; PIDS+=($ep)
sleep 1
scrape() {
  local curls=()
  for n in $(seq 1 "$AGENTS"); do
    curl -s --max-time 30 "http://127.0.0.1:29116/snmp?module=if_mib&target=10.97.$n.2" -o "$W/scrape$n.txt" &
    curls+=($!)
  done
  wait "${curls[@]}" || true
}
scrape; sleep "$INTERVAL"
c0=$(ticks $ep)
for _ in $(seq 1 "$CYCLES"); do scrape; sleep "$INTERVAL"; done
c1=$(ticks $ep); m=$(mem $ep)
series=$(grep -vc '^#' "$W/scrape1.txt" || true)
printf 'snmp_exporter: %.3f s CPU per %ss cycle (%.2f %% of a core), %s(%d series from agent 1)\n' \
  "$(echo "($c1 - $c0) / $HZ / $CYCLES" | bc -l)" "$INTERVAL" "$(echo "($c1 - $c0) / $HZ / ($INTERVAL * $CYCLES) * 100" | bc -l)" "$m" "$series"
