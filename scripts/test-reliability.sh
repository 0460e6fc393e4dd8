#!/usr/bin/env bash
# The reliability suite (`yarn test:reliability`; docs/reliability.md lists its scenarios):
# Azure faults, bad input, access, restart (file SQLite, and PostgreSQL) against the ARM
# emulator, then two backend processes on one PostgreSQL. PostgreSQL parts need
# DEFENDER_APIS_TEST_POSTGRES_URL (scripts/test.sh starts Debian's PostgreSQL and sets it);
# without it they are left out, and this script says so.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

status=0
with_ca() { node packages/arm-emulator/bin/with-arm-emulator-ca "$@"; }

log "Reliability: Azure faults, bad input, access, restart (plugins/defender-apis-backend)"
with_ca node "$YARN_RELEASE" workspace @defender-apis/plugin-defender-apis-backend test:reliability || status=1

if [ -n "${DEFENDER_APIS_TEST_POSTGRES_URL:-}" ]; then
  log "Reliability: two backend processes on one PostgreSQL (packages/backend)"
  with_ca node "$YARN_RELEASE" workspace backend test:reliability || status=1
else
  log "SKIPPED: PostgreSQL restart and scale-out tests (set DEFENDER_APIS_TEST_POSTGRES_URL, e.g. postgresql://postgres:postgres@localhost:5432)"
fi
exit "$status"
