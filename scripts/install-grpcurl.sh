#!/usr/bin/env bash
# Installs grpcurl (the gRPC ecosystem's curl) and prints the binary's path: built from the Go module
# proxy into the binary cache (scripts/build-go-tool.sh), so CI builds it once, and linked as
# TOOLS_DIR/grpcurl-VERSION/grpcurl. The relay's tests call the relay's gRPC API with it, from the
# .proto files, when ANCHORPOST_GRPCURL_BIN names it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/tools-dirs.sh
. "$here/lib/tools-dirs.sh"
version="${GRPCURL_VERSION:-v1.9.3}"
bin="$("$here/build-go-tool.sh" grpcurl "$version" local github.com/fullstorydev/grpcurl \
  github.com/fullstorydev/grpcurl/cmd/grpcurl)"
mkdir -p "$TOOLS_DIR/grpcurl-$version"
ln -sfn "$bin" "$TOOLS_DIR/grpcurl-$version/grpcurl"
echo "$bin"
