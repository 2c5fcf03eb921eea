#!/usr/bin/env bash
# Regenerates probes/COVERAGE.md: runs the LibreNMS corpus test (every recording of
# ../shared/corpus/snmp-librenms served by snmpsim, read over the wire by the shipped probes)
# and lets it write the table. Fails, leaving the old table, when the test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null

export PANTAU_REPO="$PWD"
export PANTAU_SNMPSIM="$PWD/.venv/bin/snmpsim-command-responder"
export PANTAU_CORPUS="${PANTAU_CORPUS:-$(cd .. && pwd)/shared/corpus}"
[ -d "$PANTAU_CORPUS/snmp-librenms" ] || { echo "coverage: corpus not found at $PANTAU_CORPUS/snmp-librenms (set PANTAU_CORPUS)"; exit 2; }

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
swift build --build-tests >/dev/null
status=0
PANTAU_COVERAGE_OUT="$tmp" swift test --skip-build --filter LibreNMSCorpusTests >"$tmp.log" 2>&1 || status=$?
grep -E '^(corpus|regency OS|family)[ :]' "$tmp.log" || true
if [ "$status" != 0 ] || [ ! -s "$tmp" ]; then
  grep -E 'Expectation failed|error' "$tmp.log" | head -20
  rm -f "$tmp.log"
  echo "coverage: the corpus test failed; probes/COVERAGE.md left as it was"
  exit 1
fi
rm -f "$tmp.log"
cp "$tmp" probes/COVERAGE.md
echo "coverage: wrote probes/COVERAGE.md"
