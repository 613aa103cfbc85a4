#!/usr/bin/env bash
# The README's test command: sets up a fresh machine (Node 24, Kubo) and runs every test.
# Already on Node 24 and not caring about the real-Kubo comparison? `npm ci && npm test` is enough.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/ensure-node.sh):$PATH"
echo "test: node $(node --version), npm $(npm --version)"
# Real Kubo for the CID-compatibility tests; with ANCHORPOST_REQUIRE_KUBO=1 they fail rather than skip.
ANCHORPOST_IPFS_BIN="$(scripts/install-kubo.sh)"
export ANCHORPOST_IPFS_BIN ANCHORPOST_REQUIRE_KUBO=1
npm ci
npm run check
npm test
