#!/usr/bin/env bash
# The README's run command: sets up a fresh machine (Node 24, dependencies, build) the first time,
# then starts the whole platform on embedded defaults (`npm start`; data in ./data or
# $ANCHORPOST_DATA_DIR). `scripts/start.sh demo` runs the demo instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/ensure-node.sh):$PATH"
# Install (and build, via `prepare`) when the lock file is newer than what is installed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  # Sources may have changed since: turbo rebuilds only what did (seconds when nothing did).
  npx turbo run build --output-logs=errors-only >/dev/null
fi
# Node itself, not through npm: Ctrl-C and SIGTERM reach the platform alone, which stops cleanly
# and exits 0 (npm would exit 130 on the same Ctrl-C).
case "${1:-start}" in
  start) exec node services/platform/dist/main.js ;;
  demo) exec node packages/demo/dist/demo.js ;;
  rebuild) exec node services/platform/dist/main.js rebuild ;;
  *) echo "usage: scripts/start.sh [start | demo | rebuild]" >&2; exit 2 ;;
esac
