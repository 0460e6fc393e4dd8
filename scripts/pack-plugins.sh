#!/usr/bin/env bash
# Builds every publishable plugin package the way it is published and packs it with `yarn pack`
# into .cache/packs/<folder>.tgz; then checks each tarball holds what its package.json points to
# (built code, types, config schema, migrations) and no source. The adoption test installs these
# tarballs into a fresh Backstage app.
# Usage: scripts/pack-plugins.sh [OUT_DIR]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

OUT_DIR="${1:-$REPO_ROOT/.cache/packs}"
PLUGINS=(defender-apis-common defender-apis defender-apis-backend defender-apis-backend-module-tech-insights defender-apis-backend-module-scorecard catalog-backend-module-defender-apis)

# `package build` takes declarations from dist-types; a stale incremental state would skip them.
rm -rf dist-types
yarn tsc
mkdir -p "$OUT_DIR"
for plugin in "${PLUGINS[@]}"; do
  log "Building and packing plugins/$plugin"
  (cd "plugins/$plugin" && "$REPO_ROOT/node_modules/.bin/backstage-cli" package build)
  (cd "plugins/$plugin" && yarn pack --out "$OUT_DIR/$plugin.tgz" >/dev/null)
  node scripts/check-pack.js "$OUT_DIR/$plugin.tgz"
done
