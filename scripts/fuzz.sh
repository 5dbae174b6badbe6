#!/usr/bin/env bash
# Fuzzes the HTTP API: starts a standalone server on a free port in a temporary data directory,
# seeds a few collections, and runs schemathesis against the OpenAPI document the server serves
# (test/fuzz/fuzz-server.ts). Fails on any 5xx, an undocumented status or response shape, a run
# over its time bound, or a server that died or stopped answering /healthz.
#
# schemathesis lives in a Python virtual environment under .cache/ (created once, then reused).
#
#   scripts/fuzz.sh                      the default bounded run (what scripts/test.sh runs)
#   FUZZ_SEED=123 scripts/fuzz.sh        repeat a run (the seed is printed by every run)
#   FUZZ_MAX_EXAMPLES=200 FUZZ_TIME_LIMIT_S=1800 scripts/fuzz.sh    a longer run
#   FUZZ_REPORT_DIR=out scripts/fuzz.sh  keep schemathesis's JUnit and NDJSON reports
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCHEMATHESIS_VERSION=4.32.5
venv=.cache/fuzz-venv

# Debian's own Python first: its python3-venv package provides ensurepip (scripts/install.sh).
python=$(command -v /usr/bin/python3 || command -v python3)
if [[ ! -x $venv/bin/schemathesis ]] || [[ $("$venv/bin/schemathesis" --version 2>/dev/null) != *" $SCHEMATHESIS_VERSION" ]]; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

SCHEMATHESIS="$PWD/$venv/bin/schemathesis" exec node --import tsx test/fuzz/fuzz-server.ts
