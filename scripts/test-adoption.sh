#!/usr/bin/env bash
# Adoption test: proves a platform team can install the plugins into its own Backstage from the
# READMEs. Packs the plugins, then for each kind of app @backstage/create-app makes (the default,
# new frontend system app, and the --legacy one) creates a fresh app in a temporary folder,
# applies the READMEs' steps from docs/install/ with the packed tarballs, installs, type-checks
# and builds the app, starts its backend (serving the built app) against the ARM emulator, and
# checks in Chromium that an API entity page shows the card with data, that the governance page
# opens from the nav and that the owner group's page shows the overview card. Prints how long
# each phase and the whole took.
# Usage: scripts/test-adoption.sh   (ADOPTION_DIR=... keeps the apps there instead of /tmp)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
require_node

export CREATE_APP_VERSION=0.9.2
WORK="${ADOPTION_DIR:-$(mktemp -d /tmp/defender-apis-adoption.XXXXXX)}"
LOGS="$REPO_ROOT/.cache/logs/adoption"
mkdir -p "$WORK" "$LOGS"
# The two apps take about 4 GB: a folder of our own goes when the test ends (ADOPTION_DIR stays).
cleanup() {
  stop_groups
  [ -n "${ADOPTION_DIR:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
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
  TIMINGS+=("$(printf '%-44s %4ss' "$name" $((SECONDS - began)))")
}
app_yarn() { (cd "$APP" && node "$(ls .yarn/releases/yarn-*.cjs | head -n 1)" "$@"); }

# adopt legacy|new: one app from create-app to the browser checks; fails on the first failure.
# Called in an `||` list, where set -e does not apply: each step returns on failure itself.
adopt() {
  local system="$1" began
  APP="$WORK/$system"
  rm -rf "$APP"
  local create_args=(--skip-install --path "$APP") kind="(default: new frontend system)"
  if [ "$system" = legacy ]; then create_args=(--legacy "${create_args[@]}") kind=--legacy; fi

  # create-app 0.9.2 declares Node 22 or 24: the Node these scripts run on (lib.sh, use_node).
  phase "$system: create-app $CREATE_APP_VERSION $kind" "$LOGS/$system-create-app.log" \
    env BACKSTAGE_APP_NAME=app npx -y -p "@backstage/create-app@$CREATE_APP_VERSION" -- \
    backstage-create-app "${create_args[@]}" || return 1
  phase "$system: apply the READMEs' steps" "$LOGS/$system-apply.log" \
    node scripts/adoption/apply-install-steps.js "$APP" "$WORK/packs" "$system" || return 1
  # The template's lockfile is a stub: resolve anew even when CI makes installs immutable.
  phase "$system: yarn install" "$LOGS/$system-install.log" app_yarn install --no-immutable || return 1
  phase "$system: yarn tsc" "$LOGS/$system-tsc.log" app_yarn tsc || return 1
  phase "$system: yarn build:all" "$LOGS/$system-build.log" app_yarn build:all || return 1

  start_group "ARM emulator" "$LOGS/$system-emulator.log" \
    node packages/arm-emulator/bin/arm-emulator --port 8443
  wait_for_url https://localhost:8443 60 || return 1
  start_group "the $system app's backend" "$LOGS/$system-backend.log" \
    env NODE_EXTRA_CA_CERTS="$EMULATOR_CA_FILE" bash -c "cd '$APP' && node .yarn/releases/yarn-*.cjs workspace backend start"
  began=$SECONDS
  if ! wait_for_url http://localhost:7007/api/defender-apis/health 240; then
    tail -n 60 "$LOGS/$system-backend.log"
    log "FAILED: the $system app's backend did not start"
    return 1
  fi
  wait_for_first_refresh 120 || return 1
  TIMINGS+=("$(printf '%-44s %4ss' "$system: start the backend" $((SECONDS - began)))")

  log "Chromium: the card, the governance page and the overview card in the $system app"
  began=$SECONDS
  local status=0
  ADOPTED_APP="$system" "$REPO_ROOT/node_modules/.bin/playwright" test \
    -c scripts/adoption/playwright.config.ts || status=$?
  TIMINGS+=("$(printf '%-44s %4ss' "$system: browser checks" $((SECONDS - began)))")
  return "$status"
}

phase "build and pack the plugins" "$LOGS/pack.log" bash scripts/pack-plugins.sh "$WORK/packs"
status=0
for system in new legacy; do
  adopt "$system" || status=1
  stop_groups # the next app uses the same ports
done

log "Adoption took $((SECONDS - STARTED))s:"
printf '  %s\n' "${TIMINGS[@]}"
exit "$status"
