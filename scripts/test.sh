#!/usr/bin/env bash
# quiver's test suite: typecheck, lint, the unit, contract, end-to-end and integration tests, then
# fuzzing of the HTTP API.
#
#   scripts/test.sh              everything, in that order (npm test, and what CI runs)
#   scripts/test.sh typecheck    tsc only
#   scripts/test.sh lint         eslint only
#   scripts/test.sh unit         unit and contract tests (embedded adapters, no services needed)
#   scripts/test.sh e2e          end-to-end tests over HTTP
#   scripts/test.sh integration  tests on real Kafka, S3 and Redis (starts them when not running)
#   scripts/test.sh fuzz         schemathesis against a standalone server (scripts/fuzz.sh)
#   scripts/test.sh infra        offline validation of the Dockerfile, compose stack and Helm chart
#                                (scripts/validate-infra.sh, then test/infra; the first run installs
#                                helm, kubeconform and schemas into .cache/infra, 5-15 minutes)
#   scripts/test.sh FILE...      only these test files
#
# Stops at the first failing step and exits non-zero.
set -euo pipefail
shopt -s globstar nullglob

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The project's own tools, never a downloaded copy.
if [[ ! -d node_modules ]]; then
  echo "node_modules is missing: run 'npm ci' first" >&2
  exit 1
fi
export PATH="$PWD/node_modules/.bin:$PATH"

section() { printf '\n==== %s ====\n' "$*"; }

typecheck() {
  section "typecheck: tsc --noEmit -p tsconfig.json"
  tsc --noEmit -p tsconfig.json
}

lint() {
  local dirs=()
  for dir in src test bench; do
    [[ -d $dir ]] && dirs+=("$dir")
  done
  section "lint: eslint ${dirs[*]}"
  eslint "${dirs[@]}"
}

# Runs the node test runner over the given files, one file at a time. The spec report goes to the
# terminal; the TAP report is kept to print the summary lines (# tests, # pass, # fail) at the end.
run_tests() {
  if (($# == 0)); then
    echo "no test files found" >&2
    return 1
  fi
  section "tests: $# file(s)"
  local tap status=0
  tap=$(mktemp)
  node --import tsx --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@" || status=$?
  section "summary"
  grep -E '^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$tap" || true
  rm -f "$tap"
  return "$status"
}

unit_files=(test/unit/**/*.test.ts test/contracts/**/*.test.ts test/bench/**/*.test.ts)
e2e_files=(test/e2e/**/*.test.ts)
integration_files=(test/integration/**/*.test.ts)

# Real services for the integration tests: installed and started by the project's own script
# (idempotent: already-running services are left as they are).
services_up() {
  section "services: infra/local/services.sh up"
  bash infra/local/services.sh up
}

# Generated requests against a real server, from the OpenAPI document it serves; bounded in time.
fuzz() {
  section "fuzz: scripts/fuzz.sh"
  local started=$SECONDS status=0
  bash scripts/fuzz.sh || status=$?
  echo "fuzz: $((SECONDS - started)) s, exit $status"
  return "$status"
}

case "${1:-all}" in
  all)
    typecheck
    lint
    services_up
    run_tests "${unit_files[@]}" "${e2e_files[@]}" "${integration_files[@]}"
    fuzz
    ;;
  typecheck) typecheck ;;
  lint) lint ;;
  unit) run_tests "${unit_files[@]}" ;;
  e2e) run_tests "${e2e_files[@]}" ;;
  integration)
    services_up
    run_tests "${integration_files[@]}"
    ;;
  fuzz) fuzz ;;
  infra)
    section "infra: scripts/validate-infra.sh"
    bash scripts/validate-infra.sh
    run_tests test/infra/**/*.test.ts
    ;;
  -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) run_tests "$@" ;;
esac
