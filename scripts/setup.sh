#!/usr/bin/env bash
# Installs everything Pantau needs on a fresh Debian 12 machine with Swift, idempotently:
# Debian packages (Net-SNMP, libpcap, SQLite, snmpd, tshark, tcpdump, pmacct, faketime, chromium, ...) and a
# Python virtual environment with a pinned snmpsim for the lab. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libsnmp-dev libpcap-dev libsqlite3-dev zlib1g-dev snmp snmpd tshark tcpdump pmacct
              tmux iproute2 tcpreplay ieee-data python3-venv
              faketime   # faketime: runs pmacct's sFlow agent on a fast clock (20 s counter interval, fixed)
              iputils-ping curl sqlite3   # the lab's PD routers' traffic; the daemon tests read /metrics and check the store
              postgresql                  # the PostgreSQL store's tests start their own server (InventoryTesting's PostgresServer), never the system's
              chromium chromium-driver    # the PD portal's browser test (Selenium drives headless chromium); report.pdf of audit bundles
              poppler-utils unzip         # audit bundle tests check the PDF (pdfinfo, pdftotext) and unpack archives
              iptables                    # a fleet test drops a PostgreSQL port's packets inside a network namespace of its own (a dead WAN link)
              openssl)                    # the PostgreSQL TLS test makes an authority and a server certificate
SNMPSIM_VERSION=1.2.2
PYSMI_SPEC='pysmi>=2.0.0,<3.0.0'
SCHEMATHESIS_VERSION=4.32.5   # fuzzes the HTTP service against its OpenAPI document (tests)
SELENIUM_VERSION=4.50.0       # drives chromium in the PD portal's browser test (Tests/PortalBrowser)
AXE_SELENIUM_VERSION=2.1.6    # axe-core, run in that browser: the portal's accessibility check

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  # tshark asks whether non-root users may capture; answer it up front so the install never waits.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The lab's SNMP simulator lives in a project-local venv, pinned.
if [ ! -x .venv/bin/snmpsim-command-responder ] || ! .venv/bin/pip show snmpsim 2>/dev/null | grep -q "^Version: ${SNMPSIM_VERSION}$"; then
  echo "setup: creating .venv with snmpsim ${SNMPSIM_VERSION}"
  PY=python3
  "$PY" -m venv .venv 2>/dev/null || { rm -rf .venv; /usr/bin/python3 -m venv .venv; }
  .venv/bin/pip install -q --disable-pip-version-check "snmpsim==${SNMPSIM_VERSION}" "${PYSMI_SPEC}"
fi
# schemathesis, pinned, in the same venv: the API fuzz test runs it against `pantau serve`.
if ! .venv/bin/pip show schemathesis 2>/dev/null | grep -q "^Version: ${SCHEMATHESIS_VERSION}$"; then
  echo "setup: installing schemathesis ${SCHEMATHESIS_VERSION} into .venv"
  .venv/bin/pip install -q --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
fi
# Selenium and axe-core for the PD portal's browser test, pinned, in the same venv.
if ! .venv/bin/pip show selenium 2>/dev/null | grep -q "^Version: ${SELENIUM_VERSION}$" \
   || ! .venv/bin/pip show axe-selenium-python 2>/dev/null | grep -q "^Version: ${AXE_SELENIUM_VERSION}$"; then
  echo "setup: installing selenium ${SELENIUM_VERSION} and axe-selenium-python ${AXE_SELENIUM_VERSION} into .venv"
  .venv/bin/pip install -q --disable-pip-version-check "selenium==${SELENIUM_VERSION}" "axe-selenium-python==${AXE_SELENIUM_VERSION}"
fi
echo "setup: ok"
