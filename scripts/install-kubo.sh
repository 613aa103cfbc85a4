#!/usr/bin/env bash
# Installs the Kubo (go-ipfs) CLI and prints the binary's path: built from the Go module proxy into
# the binary cache (scripts/build-go-tool.sh), linked as TOOLS_DIR/kubo-VERSION/ipfs, where the
# tests look for it when ANCHORPOST_IPFS_BIN is not set.
#
# Kubo v0.39.0 pins cockroachdb/swiss at a commit that does not compile with Go >= 1.26, so the
# build uses the Go 1.25 toolchain, which the go command itself fetches from the module proxy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/tools-dirs.sh
. "$here/lib/tools-dirs.sh"
version="${KUBO_VERSION:-v0.39.0}"
toolchain="${KUBO_GOTOOLCHAIN:-go1.25.5}"
bin="$("$here/build-go-tool.sh" ipfs "$version" "$toolchain" github.com/ipfs/kubo github.com/ipfs/kubo/cmd/ipfs)"
mkdir -p "$TOOLS_DIR/kubo-$version"
ln -sfn "$bin" "$TOOLS_DIR/kubo-$version/ipfs"
"$bin" version >&2
echo "$bin"
