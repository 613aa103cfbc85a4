#!/usr/bin/env bash
# API fuzzing (e2e/fuzz/fuzz-api.ts): installs schemathesis, starts the embedded platform on free
# ports in a temp folder, fuzzes the relay, proof API and admin API from their /openapi.json with
# valid keys, and stops it. Needs the build (`npm ci`). Bounded: about 2 to 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORPOST_SCHEMATHESIS_BIN="$(scripts/install-schemathesis.sh)"
export ANCHORPOST_SCHEMATHESIS_BIN
exec node e2e/fuzz/fuzz-api.ts
