#!/usr/bin/env bash
# Installs dependencies and runs the product on its embedded defaults: the ARM emulator
# (HTTPS, :8443) with the demo scenario, the backend (:7007, SQLite in memory, sample
# catalog) and the app (http://localhost:3000). Extra arguments are passed to the backend
# as config files, e.g. `scripts/start.sh --config my.yaml`. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
require_node

log "Installing dependencies (yarn install --immutable)"
yarn install --immutable
ensure_native_modules

mkdir -p .cache/logs
trap 'log "Stopping"; stop_groups' EXIT
trap 'exit 130' INT TERM

start_group "ARM emulator" .cache/logs/arm-emulator.log node packages/arm-emulator/bin/arm-emulator --port 8443
wait_for_url https://localhost:8443/_admin/health 60
export NODE_EXTRA_CA_CERTS="$EMULATOR_CA_FILE"

start_group backend .cache/logs/backend.log node "$YARN_RELEASE" workspace backend start --config ../../app-config.yaml "$@"
start_group app .cache/logs/app.log node "$YARN_RELEASE" workspace app start
wait_for_url http://localhost:7007/api/defender-apis/health 180
wait_for_url http://localhost:3000 300
wait_for_first_refresh 120
log "Ready: open http://localhost:3000 (logs in .cache/logs). Ctrl-C stops everything."
wait
