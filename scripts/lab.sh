#!/usr/bin/env bash
# The Pantau lab: real device recordings served by snmpsim, plus a real Net-SNMP snmpd with
# SNMPv3 users, both on loopback only, and (as root) two PD "boundary routers": network
# namespaces each with a real snmpd serving its own interfaces, joined to the host by a veth
# pair that carries real traffic (ping at a steady rate), so counters move and uptime can be
# watched. Described by config/lab.yaml.
#
#   scripts/lab.sh start               start everything (idempotent)
#   scripts/lab.sh stop                stop it and remove the namespaces
#   scripts/lab.sh status              show whether the agents answer
#   scripts/lab.sh flap PD SECONDS     take a PD router's uplink down for SECONDS (an outage)
#   scripts/lab.sh reboot PD           restart a PD router's snmpd with its boot clock at zero
#                                      (a Linux time namespace: hrSystemUptime starts again, as
#                                      after a reboot)
#
# PD routers: rtr-dinkes at ${PANTAU_LAB_NET:-10.99}.1.2, rtr-bappeda at ${PANTAU_LAB_NET:-10.99}.2.2
# (udp 161, community pantau-lab); the host side is ${PANTAU_LAB_NET:-10.99}.N.1 on veth
# ${PANTAU_LAB_NS:-pantau}-PD. Without root (or iproute2) they are skipped with a note.
#
# Ports: snmpsim 127.0.0.1:${PANTAU_LAB_SIM_PORT:-11161} (community = recording name, e.g.
# routeros), snmpd 127.0.0.1:${PANTAU_LAB_SNMPD_PORT:-11162} (community pantau-lab, v3 users in
# lab/snmpd.conf). Recordings come from ${PANTAU_CORPUS:-../shared/corpus}/snmp, copied to .lab/recordings
# with their clocks and interface octet counters moving (scripts/lab-vary.py).
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=.lab
SIM_PORT=${PANTAU_LAB_SIM_PORT:-11161}
SNMPD_PORT=${PANTAU_LAB_SNMPD_PORT:-11162}
CORPUS=${PANTAU_CORPUS:-$(cd .. && pwd)/shared/corpus}
mkdir -p "$LAB"

NET=${PANTAU_LAB_NET:-10.99}
NSP=${PANTAU_LAB_NS:-pantau}
# PD : subnet number : ping interval (s) : ping payload (bytes): ~1 Mbit/s and ~0.25 Mbit/s each way
# : the uplink's ifAlias (what config/registry.example.yaml names as the PD's uplink).
PD_ROUTERS=("dinkes:1:0.01:1200:ether1" "bappeda:2:0.02:600:WAN Telkom")

answers() { snmpget -v2c -c "$1" -t 0.5 -r 0 -On "${3:-127.0.0.1}:$2" 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; }
alive() { [ -f "$LAB/$1.pid" ] && kill -0 "$(cat "$LAB/$1.pid")" 2>/dev/null; }

start() {
  [ -d "$CORPUS/snmp" ] || { echo "lab: no recordings at $CORPUS/snmp (set PANTAU_CORPUS)" >&2; exit 2; }
  [ -x .venv/bin/snmpsim-command-responder ] || { echo "lab: snmpsim missing; run scripts/setup.sh" >&2; exit 2; }
  if ! alive snmpsim; then
    # The recordings, made to move: clocks tick and the octet counters of interfaces that are up
    # grow at steady rates (snmpsim's numeric variation; scripts/lab-vary.py says how).
    python3 scripts/lab-vary.py "$CORPUS/snmp" "$LAB/recordings" >/dev/null
    SNMPSIM_ALLOW_ROOT=true nohup .venv/bin/snmpsim-command-responder --data-dir="$PWD/$LAB/recordings" \
      --cache-dir="$PWD/$LAB/snmpsim-cache" --agent-udpv4-endpoint="127.0.0.1:$SIM_PORT" \
      >"$LAB/snmpsim.log" 2>&1 </dev/null &
    echo $! > "$LAB/snmpsim.pid"
  fi
  if ! alive snmpd; then
    mkdir -p "$LAB/snmpd-state"
    /usr/sbin/snmpd -f -Lo -C -c "$PWD/lab/snmpd.conf" -p "$PWD/$LAB/snmpd.daemon.pid" \
      --persistentDir="$PWD/$LAB/snmpd-state" "udp:127.0.0.1:$SNMPD_PORT" >"$LAB/snmpd.log" 2>&1 </dev/null &
    echo $! > "$LAB/snmpd.pid"
  fi
  routers_start
  for _ in $(seq 1 60); do
    if answers routeros "$SIM_PORT" && answers pantau-lab "$SNMPD_PORT"; then
      echo "lab: snmpsim on 127.0.0.1:$SIM_PORT ($(ls "$CORPUS"/snmp/*.snmprec | wc -l) recordings), snmpd on 127.0.0.1:$SNMPD_PORT"
      routers_wait
      return 0
    fi
    alive snmpsim || { echo "lab: snmpsim exited:" >&2; tail -20 "$LAB/snmpsim.log" >&2; exit 1; }
    alive snmpd || { echo "lab: snmpd exited:" >&2; tail -20 "$LAB/snmpd.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "lab: agents did not answer in 30 s (port in use?); see $LAB/*.log" >&2
  exit 1
}

stop() {
  for p in snmpsim snmpd; do
    if alive "$p"; then kill "$(cat "$LAB/$p.pid")" 2>/dev/null || true; fi
    rm -f "$LAB/$p.pid"
  done
  routers_stop
  echo "lab: stopped"
}

can_namespace() { [ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v unshare >/dev/null; }

# The PD router's snmpd inside its namespace; with "reboot", in a time namespace whose boot
# clock reads zero (hrSystemUptime, read from /proc/uptime, starts again).
router_snmpd() {
  local pd=$1 n=$2 how=${3:-}
  local ns="$NSP-$pd" state="$PWD/$LAB/$NSP-$pd"
  mkdir -p "$state"
  local run=(ip netns exec "$ns")
  if [ "$how" = reboot ]; then
    local up; up=$(cut -d. -f1 /proc/uptime)
    run+=(unshare --time --boottime "-$((up - 1))")
  fi
  # The uplink (ifIndex 2 in the namespace, after lo) carries the alias the registry knows it by.
  local entry p rest alias=""
  for entry in "${PD_ROUTERS[@]}"; do
    IFS=: read -r p rest rest rest alias <<<"$entry"
    [ "$p" = "$pd" ] && break
  done
  printf 'override 1.3.6.1.2.1.31.1.1.1.18.2 octet_str "%s"\n' "$alias" > "$state/uplink.conf"
  "${run[@]}" /usr/sbin/snmpd -f -Lo -C -c "$PWD/lab/snmpd.conf,$state/uplink.conf" -p "$state/snmpd.daemon.pid" \
    --persistentDir="$state" "udp:$NET.$n.2:161" >"$LAB/$NSP-$pd-snmpd.log" 2>&1 </dev/null &
  echo $! > "$LAB/$NSP-$pd-snmpd.pid"
}

routers_start() {
  can_namespace || { echo "lab: not root (or no ip/unshare): the PD routers with moving counters are skipped" >&2; return 0; }
  local entry pd n gap size ns veth
  for entry in "${PD_ROUTERS[@]}"; do
    IFS=: read -r pd n gap size <<<"$entry"
    ns="$NSP-$pd"; veth="$NSP-$pd"
    if ! ip netns list | grep -qw "^$ns"; then
      ip netns add "$ns"
      ip link add "$veth" type veth peer name uplink netns "$ns"
      ip addr add "$NET.$n.1/30" dev "$veth"
      ip link set "$veth" up
      ip netns exec "$ns" ip link set lo up
      ip netns exec "$ns" ip addr add "$NET.$n.2/30" dev uplink
      ip netns exec "$ns" ip link set uplink up
    fi
    alive "$NSP-$pd-snmpd" || router_snmpd "$pd" "$n"
    if ! alive "$NSP-$pd-traffic"; then
      ping -q -i "$gap" -s "$size" "$NET.$n.2" >/dev/null 2>&1 </dev/null &
      echo $! > "$LAB/$NSP-$pd-traffic.pid"
    fi
  done
}

routers_wait() {
  can_namespace || return 0
  local entry pd n rest
  for entry in "${PD_ROUTERS[@]}"; do
    IFS=: read -r pd n rest <<<"$entry"
    for _ in $(seq 1 40); do answers pantau-lab 161 "$NET.$n.2" && break; sleep 0.25; done
    answers pantau-lab 161 "$NET.$n.2" && echo "lab: rtr-$pd (namespace $NSP-$pd) on $NET.$n.2:161, traffic flowing" \
      || echo "lab: rtr-$pd did not answer on $NET.$n.2:161; see $LAB/$NSP-$pd-snmpd.log" >&2
  done
}

routers_stop() {
  can_namespace || return 0
  local entry pd rest
  for entry in "${PD_ROUTERS[@]}"; do
    IFS=: read -r pd rest <<<"$entry"
    for p in "$NSP-$pd-traffic" "$NSP-$pd-snmpd"; do
      if alive "$p"; then kill "$(cat "$LAB/$p.pid")" 2>/dev/null || true; fi
      rm -f "$LAB/$p.pid"
    done
    ip netns list | grep -qw "^$NSP-$pd" && ip netns del "$NSP-$pd"
    ip link del "$NSP-$pd" 2>/dev/null || true
  done
}

router_number() {
  local entry pd n rest
  for entry in "${PD_ROUTERS[@]}"; do
    IFS=: read -r pd n rest <<<"$entry"
    [ "$pd" = "$1" ] && { echo "$n"; return 0; }
  done
  echo "lab: no PD router \"$1\" (one of: ${PD_ROUTERS[*]%%:*})" >&2
  exit 2
}

flap() {
  can_namespace || { echo "lab: flap needs root" >&2; exit 2; }
  router_number "$1" >/dev/null
  ip netns exec "$NSP-$1" ip link set uplink down
  echo "lab: rtr-$1's uplink down for ${2}s"
  sleep "$2"
  ip netns exec "$NSP-$1" ip link set uplink up
  echo "lab: rtr-$1's uplink up"
}

reboot() {
  can_namespace || { echo "lab: reboot needs root" >&2; exit 2; }
  local n; n=$(router_number "$1")
  if alive "$NSP-$1-snmpd"; then kill "$(cat "$LAB/$NSP-$1-snmpd.pid")" 2>/dev/null || true; fi
  sleep 1
  router_snmpd "$1" "$n" reboot
  for _ in $(seq 1 40); do answers pantau-lab 161 "$NET.$n.2" && break; sleep 0.25; done
  echo "lab: rtr-$1 rebooted (its snmpd runs with a boot clock from zero)"
}

status() {
  answers routeros "$SIM_PORT" && echo "snmpsim: answering on 127.0.0.1:$SIM_PORT" || echo "snmpsim: not answering"
  answers pantau-lab "$SNMPD_PORT" && echo "snmpd:   answering on 127.0.0.1:$SNMPD_PORT" || echo "snmpd:   not answering"
  local entry pd n rest
  for entry in "${PD_ROUTERS[@]}"; do
    IFS=: read -r pd n rest <<<"$entry"
    answers pantau-lab 161 "$NET.$n.2" && echo "rtr-$pd: answering on $NET.$n.2:161" || echo "rtr-$pd: not answering"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  flap) [ $# -eq 3 ] || { echo "usage: scripts/lab.sh flap PD SECONDS" >&2; exit 2; }; flap "$2" "$3" ;;
  reboot) [ $# -eq 2 ] || { echo "usage: scripts/lab.sh reboot PD" >&2; exit 2; }; reboot "$2" ;;
  *) echo "usage: scripts/lab.sh start|stop|status|flap PD SECONDS|reboot PD" >&2; exit 2 ;;
esac
