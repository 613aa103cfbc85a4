#!/usr/bin/env bash
# Installs the buf CLI (proto lint, format and breaking-change checks) and prints the binary's path:
# built from the Go module proxy into the binary cache (scripts/build-go-tool.sh) with the Go 1.25
# toolchain, which the go command fetches itself; v1.50.0's dependencies all resolve on the proxy.
# First run: about 3 minutes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$("$here/build-go-tool.sh" buf "${BUF_VERSION:-v1.50.0}" "${BUF_GOTOOLCHAIN:-go1.25.5}" \
  github.com/bufbuild/buf github.com/bufbuild/buf/cmd/buf)"
"$bin" --version >&2
echo "$bin"
