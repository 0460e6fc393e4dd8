#!/usr/bin/env bash
# Adoption test: proves a platform team can install the plugins into its own Backstage from the
# READMEs. Packs the plugins, creates a fresh app with @backstage/create-app (legacy frontend
# system) in a temporary folder, applies the READMEs' steps from docs/install/ with the packed
# tarballs, installs, type-checks and builds the app, starts its backend (serving the built app)
# against the ARM emulator, and checks in Chromium that an API entity page shows the card with
# data and that the governance page loads. Prints how long each phase and the whole took.
# Usage: scripts/test-adoption.sh   (ADOPTION_DIR=... keeps the app there instead of /tmp)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
require_node

export CREATE_APP_VERSION=0.9.2
WORK="${ADOPTION_DIR:-$(mktemp -d /tmp/defender-apis-adoption.XXXXXX)}"
APP="$WORK/app"
LOGS="$REPO_ROOT/.cache/logs/adoption"
mkdir -p "$WORK" "$LOGS"
rm -rf "$APP"
trap 'stop_groups' EXIT
trap 'exit 130' INT TERM

STARTED=$SECONDS
TIMINGS=()
phase() { # phase NAME LOGFILE cmd...   (the output goes to the log; its tail on failure)
  local name="$1" logfile="$2" began=$SECONDS
  shift 2
  log "$name (log: $logfile)"
  if ! "$@" >"$logfile" 2>&1; then
    tail -n 60 "$logfile"
    log "FAILED: $name"
    return 1
  fi
  TIMINGS+=("$(printf '%-34s %4ss' "$name" $((SECONDS - began)))")
}
app_yarn() { (cd "$APP" && node "$(ls .yarn/releases/yarn-*.cjs | head -n 1)" "$@"); }

phase "build and pack the plugins" "$LOGS/pack.log" bash scripts/pack-plugins.sh "$WORK/packs"

# create-app 0.9.2 declares Node 22 or 24: the Node these scripts run on (lib.sh, use_node).
phase "create-app $CREATE_APP_VERSION --legacy" "$LOGS/create-app.log" \
  env BACKSTAGE_APP_NAME=app npx -y -p "@backstage/create-app@$CREATE_APP_VERSION" -- \
  backstage-create-app --legacy --skip-install --path "$APP"

phase "apply the READMEs' steps" "$LOGS/apply.log" \
  node scripts/adoption/apply-install-steps.js "$APP" "$WORK/packs"
# The template's lockfile is a stub: resolve anew even when CI makes installs immutable.
phase "yarn install" "$LOGS/install.log" app_yarn install --no-immutable
phase "yarn tsc" "$LOGS/tsc.log" app_yarn tsc
phase "yarn build:all" "$LOGS/build.log" app_yarn build:all

start_group "ARM emulator" "$LOGS/emulator.log" node packages/arm-emulator/bin/arm-emulator --port 8443
wait_for_url https://localhost:8443 60
start_group "the adopted app's backend" "$LOGS/backend.log" \
  env NODE_EXTRA_CA_CERTS="$EMULATOR_CA_FILE" bash -c "cd '$APP' && node .yarn/releases/yarn-*.cjs workspace backend start"
began=$SECONDS
if ! wait_for_url http://localhost:7007/api/defender-apis/health 240; then
  tail -n 60 "$LOGS/backend.log"
  log "FAILED: the adopted app's backend did not start"
  exit 1
fi
wait_for_first_refresh 120
TIMINGS+=("$(printf '%-34s %4ss' "start the backend" $((SECONDS - began)))")

log "Chromium: the card and the governance page in the adopted app"
began=$SECONDS
status=0
"$REPO_ROOT/node_modules/.bin/playwright" test -c scripts/adoption/playwright.config.ts || status=$?
TIMINGS+=("$(printf '%-34s %4ss' "browser checks" $((SECONDS - began)))")

log "Adoption took $((SECONDS - STARTED))s:"
printf '  %s\n' "${TIMINGS[@]}"
exit "$status"
