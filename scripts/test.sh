#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this): Debian packages it needs
# (Chromium, PostgreSQL), immutable install, type check, lint, formatting (prettier with
# @spotify/prettier-config), package.json fields (repo fix --publish --check), build and pack of
# each plugin with a check of the tarballs, unit and integration tests of every package (against the ARM emulator over HTTPS, SQLite and PostgreSQL), the reliability
# suite, a smoke run of the benchmark, and the end-to-end tests in Chromium against the
# running app, backend and emulator; last, the adoption test (the packed plugins installed by the
# READMEs' steps into a fresh create-app Backstage, checked in Chromium), all on Node 22; then
# the unit and reliability suites again on Node 24. Both Nodes come from the registry when the
# machine has an older one (scripts/lib.sh, use_node).
# Ends with one line "N passed, N failed" (N counts tests; tsc and lint count one each).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
require_node

PASSED=0
FAILED=0
mkdir -p .cache/logs
trap 'stop_groups' EXIT
trap 'exit 130' INT TERM

count() { # count STAGE PASSED FAILED
  PASSED=$((PASSED + $2))
  FAILED=$((FAILED + $3))
  log "$1: $2 passed, $3 failed"
}
stage() { # stage NAME cmd...  (one check: passes when the command exits 0)
  local name="$1"
  shift
  log "$name"
  if "$@"; then count "$name" 1 0; else count "$name" 0 1; fi
}
# Reads "N passed" / "N failed" figures from a test runner's output (jest or Playwright).
tally() { # tally NAME EXITCODE LOGFILE
  local clean p f
  clean="$(sed -E 's/\x1b\[[0-9;]*m//g' "$3")"
  # One "Tests:" line per jest run; a log may hold several runs, so add them up.
  p="$(grep -E '^Tests:' <<<"$clean" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' | awk '{ s += $1 } END { if (NR) print s }')"
  f="$(grep -E '^Tests:' <<<"$clean" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' | awk '{ s += $1 } END { if (NR) print s }')"
  if [ -z "$p$f" ]; then # Playwright's summaries, one per run (the adoption test makes two)
    p="$(grep -oE '^\s*[0-9]+ passed' <<<"$clean" | grep -oE '[0-9]+' | awk '{ s += $1 } END { if (NR) print s }')"
    f="$(grep -oE '^\s*[0-9]+ failed' <<<"$clean" | grep -oE '[0-9]+' | awk '{ s += $1 } END { if (NR) print s }')"
  fi
  p="${p:-0}"
  f="${f:-0}"
  # A runner that failed without reporting a failing test (crash, no tests) still fails.
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$2" -eq 0 ] && [ "$p" -eq 0 ]; then log "$1 ran no test"; f=$((f + 1)); fi
  count "$1" "$p" "$f"
}

apt_install chromium postgresql curl || log "Could not install Debian packages; dependent tests will report it"

if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql/*/main >/dev/null 2>&1; then
  PG_VERSION="$(ls /etc/postgresql | sort -n | tail -n 1)"
  pg_ctlcluster "$PG_VERSION" main start 2>/dev/null || true
  if su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1; then
    export BACKSTAGE_TEST_DATABASE_POSTGRES${PG_VERSION}_CONNECTION_STRING="postgresql://postgres:postgres@localhost:5432"
    export DEFENDER_APIS_TEST_POSTGRES_URL="postgresql://postgres:postgres@localhost:5432"
    log "PostgreSQL $PG_VERSION is running; PostgreSQL tests will run"
  fi
fi
[ -n "${DEFENDER_APIS_TEST_POSTGRES_URL:-}" ] || log "No PostgreSQL reachable: PostgreSQL tests will be skipped (they say so)"

log "Installing dependencies (yarn install --immutable)"
if ! yarn install --immutable > .cache/logs/install.log 2>&1; then
  tail -n 40 .cache/logs/install.log
  count install 0 1
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi

ensure_native_modules
stage "type check (yarn tsc)" yarn tsc
stage "lint (yarn lint:all)" yarn lint:all
stage "formatting (yarn prettier:check)" yarn prettier:check
stage "package.json fields (yarn fix --publish --check)" yarn fix --publish --check
stage "plugins build and pack (scripts/pack-plugins.sh)" bash scripts/pack-plugins.sh
stage "frontend bundle sizes (scripts/bundle-size.js)" node scripts/bundle-size.js
stage "API reports are current (yarn api-reports:check)" yarn api-reports:check
stage "README snippets match docs/install (scripts/readme-snippets.js)" node scripts/readme-snippets.js --check

log "unit and integration tests (yarn test:unit)"
CI=true yarn test:unit 2>&1 | tee .cache/logs/unit.log
tally "unit and integration tests" "${PIPESTATUS[0]}" .cache/logs/unit.log

log "reliability tests (yarn test:reliability)"
CI=true yarn test:reliability 2>&1 | tee .cache/logs/reliability.log
tally "reliability tests" "${PIPESTATUS[0]}" .cache/logs/reliability.log

# The benchmark at its smoke size (docs/benchmarks.md): keeps `yarn bench` working; its
# figures are not goals here. One check: passes when the bench produced figures.
bench_smoke() {
  node bench/run.js --smoke > .cache/logs/bench-smoke.log 2>&1 || { tail -n 60 .cache/logs/bench-smoke.log; return 1; }
  sed -n '/^measure /,$p' .cache/logs/bench-smoke.log
}
stage "benchmark smoke (yarn bench --smoke)" bench_smoke

log "end-to-end tests in Chromium (yarn test:e2e)"
start_group "the product (scripts/start.sh)" .cache/logs/stack.log bash scripts/start.sh
if wait_for_url http://localhost:7007/api/defender-apis/health 300 && wait_for_url http://localhost:3000 400; then
  wait_for_first_refresh 120
  E2E_EXTERNAL_STACK=1 yarn test:e2e 2>&1 | tee .cache/logs/e2e.log
  tally "end-to-end tests" "${PIPESTATUS[0]}" .cache/logs/e2e.log
else
  tail -n 60 .cache/logs/stack.log
  count "end-to-end tests (stack did not start)" 0 1
fi
stop_groups

# After the e2e stack has stopped: the adoption test uses the same ports (7007, 8443).
log "adoption test: the packed plugins in a fresh create-app Backstage (scripts/test-adoption.sh)"
bash scripts/test-adoption.sh 2>&1 | tee .cache/logs/adoption.log
tally "adoption test" "${PIPESTATUS[0]}" .cache/logs/adoption.log

# Node 24 as well (everything above ran on Node 22): the unit and reliability suites, with
# better-sqlite3 built for it. Last, so nothing after needs the Node 22 build back (start.sh
# builds it again when it finds the other one).
node_before="$PATH"
log "Node 24: unit and reliability tests (better-sqlite3 built for it)"
if use_node 24 exact && log "Node $(node -v)" && yarn rebuild better-sqlite3 > .cache/logs/rebuild-node24.log 2>&1; then
  CI=true yarn test:unit 2>&1 | tee .cache/logs/unit-node24.log
  tally "unit and integration tests on Node 24" "${PIPESTATUS[0]}" .cache/logs/unit-node24.log
  CI=true yarn test:reliability 2>&1 | tee .cache/logs/reliability-node24.log
  tally "reliability tests on Node 24" "${PIPESTATUS[0]}" .cache/logs/reliability-node24.log
else
  tail -n 40 .cache/logs/rebuild-node24.log 2>/dev/null
  count "Node 24 (fetched from the registry, native modules built)" 0 1
fi
export PATH="$node_before"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
