#!/usr/bin/env bash
# Installs the buf CLI (proto lint, format and breaking-change checks) from the Go module proxy and
# prints the binary's path. Built with the Go 1.25 toolchain, which the go command fetches itself
# (GOTOOLCHAIN); v1.50.0's dependencies all resolve on the proxy. First run: about 3 minutes.
set -euo pipefail
version="${BUF_VERSION:-v1.50.0}"
toolchain="${BUF_GOTOOLCHAIN:-go1.25.5}"
bin_dir="${ANCHORPOST_TOOLS_DIR:-$HOME/.cache/anchorpost}/buf-$version"
bin="$bin_dir/buf"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "install-buf: Go is required (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$bin_dir"
echo "install-buf: building buf $version with $toolchain (takes a few minutes the first time)" >&2
GOTOOLCHAIN="$toolchain" GOFLAGS=-mod=mod GOBIN="$bin_dir" \
  go install -trimpath "github.com/bufbuild/buf/cmd/buf@$version" >&2
"$bin" --version >&2
echo "$bin"
