#!/usr/bin/env bash
# The Pantau lab: real device recordings served by snmpsim, plus a real Net-SNMP snmpd with
# SNMPv3 users, both on loopback only. Described by config/lab.yaml.
#
#   scripts/lab.sh start    start both agents (idempotent)
#   scripts/lab.sh stop     stop them
#   scripts/lab.sh status   show whether they answer
#
# Ports: snmpsim 127.0.0.1:${PANTAU_LAB_SIM_PORT:-11161} (community = recording name, e.g.
# routeros), snmpd 127.0.0.1:${PANTAU_LAB_SNMPD_PORT:-11162} (community pantau-lab, v3 users in
# lab/snmpd.conf). Recordings come from ${PANTAU_CORPUS:-../shared/corpus}/snmp.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=.lab
SIM_PORT=${PANTAU_LAB_SIM_PORT:-11161}
SNMPD_PORT=${PANTAU_LAB_SNMPD_PORT:-11162}
CORPUS=${PANTAU_CORPUS:-$(cd .. && pwd)/shared/corpus}
mkdir -p "$LAB"

answers() { snmpget -v2c -c "$1" -t 0.5 -r 0 -On "127.0.0.1:$2" 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; }
alive() { [ -f "$LAB/$1.pid" ] && kill -0 "$(cat "$LAB/$1.pid")" 2>/dev/null; }

start() {
  [ -d "$CORPUS/snmp" ] || { echo "lab: no recordings at $CORPUS/snmp (set PANTAU_CORPUS)" >&2; exit 2; }
  [ -x .venv/bin/snmpsim-command-responder ] || { echo "lab: snmpsim missing; run scripts/setup.sh" >&2; exit 2; }
  if ! alive snmpsim; then
    SNMPSIM_ALLOW_ROOT=true nohup .venv/bin/snmpsim-command-responder --data-dir="$CORPUS/snmp" \
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
  for _ in $(seq 1 60); do
    if answers routeros "$SIM_PORT" && answers pantau-lab "$SNMPD_PORT"; then
      echo "lab: snmpsim on 127.0.0.1:$SIM_PORT ($(ls "$CORPUS"/snmp/*.snmprec | wc -l) recordings), snmpd on 127.0.0.1:$SNMPD_PORT"
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
  echo "lab: stopped"
}

status() {
  answers routeros "$SIM_PORT" && echo "snmpsim: answering on 127.0.0.1:$SIM_PORT" || echo "snmpsim: not answering"
  answers pantau-lab "$SNMPD_PORT" && echo "snmpd:   answering on 127.0.0.1:$SNMPD_PORT" || echo "snmpd:   not answering"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/lab.sh start|stop|status" >&2; exit 2 ;;
esac
