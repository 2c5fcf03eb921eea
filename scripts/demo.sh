#!/usr/bin/env bash
# Pantau's main job on the bundled lab: installs what is missing, builds pantau, starts the
# lab (snmpsim serving real device recordings + a real snmpd with SNMPv3), collects every
# lab device into a SQLite store, replays the corpus packet captures through the sampler,
# runs the collector daemon for 40 s while a PD router's uplink goes down and another reboots,
# prints what it found (uptime and traffic included), the findings of reconciling a PD's
# diagram against it, each with its citation, and ends with the NOC dashboard's overview.
#
#   scripts/demo.sh              run it; the lab is stopped afterwards
#   scripts/demo.sh --keep-lab   leave the lab running to try `pantau poll` by hand
set -euo pipefail
cd "$(dirname "$0")/.."
KEEP=0
[ "${1:-}" = "--keep-lab" ] && KEEP=1

scripts/setup.sh
echo "demo: building pantau (first build fetches and compiles dependencies: a few minutes)"
swift build --product pantau 2>&1 | grep -E "error|warning: unre|Compiling pantau|Build complete" || true
swift build --product pantau >/dev/null
PANTAU=.build/debug/pantau
STORE=var/lab.sqlite

scripts/lab.sh start
[ "$KEEP" = 1 ] || trap 'scripts/lab.sh stop >/dev/null' EXIT

echo
echo "== pantau collect --once --config config/lab.yaml --store $STORE"
set +e
"$PANTAU" collect --once --config config/lab.yaml --store "$STORE"
rc=$?
set -e
echo
echo "== pantau inventory list --store $STORE"
"$PANTAU" inventory list --store "$STORE"
echo
echo "== pantau inventory show routeros_crs317 --store $STORE   (one device in detail)"
"$PANTAU" inventory show routeros_crs317 --store "$STORE" | awk "NR <= 40"
echo
echo "== pantau hosts --store $STORE   (what the replayed captures showed on the wire)"
"$PANTAU" hosts --store "$STORE" | cut -c1-150 | awk "NR <= 40"
echo
echo "== pantau talkers --by pd --store $STORE"
"$PANTAU" talkers --by pd --store "$STORE" | awk "NR <= 20"
echo
echo "== pantau collect --config config/lab.yaml --store $STORE --duration 40   (the collector daemon, bounded)"
echo "   meanwhile: rtr-dinkes's uplink goes down for 10 s, then rtr-bappeda reboots (scripts/lab.sh flap / reboot)"
( sleep 12; scripts/lab.sh flap dinkes 10 >/dev/null 2>&1; sleep 3; scripts/lab.sh reboot bappeda >/dev/null 2>&1 ) &
events=$!
"$PANTAU" collect --config config/lab.yaml --store "$STORE" --duration 40 || true
wait "$events" || true
echo
echo "== pantau uptime --config config/lab.yaml --store $STORE --period last-1h"
"$PANTAU" uptime --config config/lab.yaml --store "$STORE" --period last-1h
echo
echo "== pantau traffic --store $STORE --period last-1h   (interface rates from the same daemon run)"
# The PD routers' uplinks (real traffic through the namespaces) and the first of the recorded devices' interfaces.
"$PANTAU" traffic --store "$STORE" --period last-1h | cut -c1-160 | awk -v store="$STORE" '
  NR <= 4 || /^(rtr-|bappeda-gw)/ { print; next }
  { if (shown < 12) { print; shown++ } else more++ }
  END { if (more) printf "... and %d more interfaces (pantau traffic --store %s --period last-1h)\n", more, store }'

echo
echo "== pantau reconcile --store $STORE   (Bappeda's example diagram against the lab, under Perbup Manggarai 52/2021)"
"$PANTAU" profile activate manggarai --store "$STORE" >/dev/null
"$PANTAU" registry load config/registry.example.yaml --store "$STORE" >/dev/null
"$PANTAU" diagram submit --pd BAPPEDA config/examples/bappeda-lan.yaml --by demo --store "$STORE" >/dev/null
"$PANTAU" reconcile --store "$STORE" | cut -c1-160 | awk "NR <= 40"
echo
echo "== pantau dashboard --once --view overview --store $STORE   (the NOC console's first screen; pantau dashboard on a terminal)"
"$PANTAU" dashboard --once --view overview --store "$STORE" --width 120 --height 24
if [ "$KEEP" = 1 ]; then
  echo
  echo "The lab is still running (scripts/lab.sh stop to end it). Try:"
  echo "  $PANTAU poll udp:127.0.0.1:11161 --community junos_rpm"
  echo "  $PANTAU inventory show vrp_5720 --store $STORE --history"
  echo "  $PANTAU collect --config config/lab.yaml --store $STORE    (the daemon; Ctrl-C stops it)"
  echo "  curl -s http://127.0.0.1:19464/metrics                     (while it runs)"
fi
exit $rc
