#!/usr/bin/env bash
# The reliability suite (`yarn test:reliability`; docs/reliability.md lists its scenarios):
# Azure faults, bad input, access, claims, tenants, the onboarding queue, restart (file SQLite,
# and PostgreSQL) against the ARM emulator, the scenarios kept in unit tests, then two backend
# processes on one PostgreSQL. PostgreSQL parts need
# DEFENDER_APIS_TEST_POSTGRES_URL (scripts/test.sh starts Debian's PostgreSQL and sets it);
# without it they are left out, and this script says so.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

status=0
# Without CI set, backstage-cli starts jest in watch mode; this suite runs once.
export CI=true
with_ca() { node "$REPO_ROOT/packages/arm-emulator/bin/with-arm-emulator-ca" "$@"; }

log "Reliability: Azure faults, bad input, access, claims, tenants, onboarding queue, restart (plugins/defender-apis-backend)"
with_ca node "$YARN_RELEASE" workspace @defender-apis/plugin-defender-apis-backend test:reliability || status=1

# Scenarios of docs/reliability.md whose tests are unit tests of `yarn test` as well: read races,
# pruning, the onboarding timeout and per-user limit, config durations, Azure error text, CSV
# cells and links from Azure data. Run here too, so this suite covers every scenario it lists.
log "Reliability: scenarios kept in unit tests (read races, timeout, per-user limit, durations, safe output)"
(cd plugins/defender-apis-backend && with_ca node "$YARN_RELEASE" backstage-cli package test --runInBand catalogWide database/PostureStore config describeAzureError) || status=1
(cd plugins/defender-apis-common && node "$YARN_RELEASE" backstage-cli package test links) || status=1
(cd plugins/defender-apis && node "$YARN_RELEASE" backstage-cli package test csv) || status=1

if [ -n "${DEFENDER_APIS_TEST_POSTGRES_URL:-}" ]; then
  log "Reliability: two backend processes on one PostgreSQL (packages/backend)"
  with_ca node "$YARN_RELEASE" workspace backend test:reliability || status=1
else
  log "SKIPPED: PostgreSQL restart and scale-out tests (set DEFENDER_APIS_TEST_POSTGRES_URL, e.g. postgresql://postgres:postgres@localhost:5432)"
fi
exit "$status"
