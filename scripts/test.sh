#!/usr/bin/env bash
# Runs every Pantau test against real components (snmpsim, snmpd, SQLite, libpcap, the
# pantau binary). Installs what is missing first. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export PANTAU_REPO="$PWD"
export PANTAU_SNMPSIM="$PWD/.venv/bin/snmpsim-command-responder"
export PANTAU_CORPUS="${PANTAU_CORPUS:-$(cd .. && pwd)/shared/corpus}"
[ -d "$PANTAU_CORPUS/snmp" ] || { echo "test: corpus not found at $PANTAU_CORPUS (set PANTAU_CORPUS)"; exit 2; }

swift build --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Wrapping|Emitting|Write|Linking|Planning)' || true
swift build --build-tests >/dev/null   # fail here, loudly, if the build failed
scripts/fuzz-decoders.sh "${FUZZ_SECONDS:-60}"   # libFuzzer over the packet decoders, bounded time
# Serial: the SNMP suites share one snmpsim, a single-threaded agent that parallel suites overload.
swift test --skip-build --no-parallel "$@"
