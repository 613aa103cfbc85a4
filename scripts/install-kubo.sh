#!/usr/bin/env bash
# Installs the Kubo (go-ipfs) CLI from the Go module proxy and prints the binary's path.
#
# `go install github.com/ipfs/kubo/cmd/ipfs@v0.39.0` does not work here: the proxy refuses Kubo's
# version list, which `go install pkg@version` reads to look for deprecations. A throw-away wrapper
# module that requires Kubo at the exact version avoids that lookup. Kubo v0.39.0 pins
# cockroachdb/swiss at a commit that does not compile with Go >= 1.26, so the build uses the Go 1.25
# toolchain, which the go command itself fetches from the module proxy (GOTOOLCHAIN).
set -euo pipefail
version="${KUBO_VERSION:-v0.39.0}"
toolchain="${KUBO_GOTOOLCHAIN:-go1.25.5}"
bin_dir="${ANCHORPOST_TOOLS_DIR:-$HOME/.cache/anchorpost}/kubo-$version"
bin="$bin_dir/ipfs"
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "install-kubo: Go is required (https://go.dev/dl)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/go.mod" <<MOD
module anchorpost.local/kubo-install

go 1.25

require github.com/ipfs/kubo $version
MOD
mkdir -p "$bin_dir"
echo "install-kubo: building Kubo $version with $toolchain (takes a few minutes the first time)" >&2
(cd "$work" && GOTOOLCHAIN="$toolchain" GOFLAGS=-mod=mod go build -trimpath -o "$bin" github.com/ipfs/kubo/cmd/ipfs) >&2
"$bin" version >&2
echo "$bin"
