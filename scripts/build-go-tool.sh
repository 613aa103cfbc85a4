#!/usr/bin/env bash
# Builds one Go program from the Go module proxy into the binary cache and prints its path:
#
#   scripts/build-go-tool.sh NAME VERSION TOOLCHAIN MODULE PACKAGE
#   e.g. scripts/build-go-tool.sh ipfs v0.39.0 go1.25.5 github.com/ipfs/kubo github.com/ipfs/kubo/cmd/ipfs
#
# The build runs in a throw-away wrapper module that requires MODULE at VERSION: `go install
# PKG@VERSION` reads the module's version list, which the proxy refuses for some modules (Kubo,
# chart-testing), and the wrapper gives the same build list. TOOLCHAIN is a Go release the go command
# fetches from the module proxy (GOTOOLCHAIN), or `local` for the machine's own Go.
#
# The binary lands in BIN_CACHE/NAME-VERSION-KEY/NAME (scripts/lib/tools-dirs.sh), KEY hashing this
# script and its arguments. It is built in a temporary folder renamed into place once complete, so a
# build that is killed leaves nothing behind and two builds racing for one entry both end well.
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: build-go-tool.sh NAME VERSION TOOLCHAIN MODULE PACKAGE" >&2; exit 2; }
name=$1 version=$2 toolchain=$3 module=$4 package=$5
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/tools-dirs.sh
. "$here/lib/tools-dirs.sh"
key=$( { cat "$0"; printf '%s\n' "$@"; } | sha256sum | cut -c1-16)
entry="$BIN_CACHE/$name-$version-$key"
bin="$entry/$name"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build-go-tool: Go is required to build $name (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$BIN_CACHE"
work=$(mktemp -d)
staging=$(mktemp -d "$BIN_CACHE/.$name-$version.XXXXXX")
trap 'rm -rf "$work" "$staging"' EXIT
printf 'module anchorpost.local/%s-build\n\ngo 1.25\n\nrequire %s %s\n' "$name" "$module" "$version" >"$work/go.mod"
echo "build-go-tool: building $name $version ($module, Go $toolchain); the first build takes minutes" >&2
start=$(date +%s)
# -modcacherw: the module cache stays deletable (CI removes its HOME, and the cache with it).
(cd "$work" && GOTOOLCHAIN="$toolchain" GOFLAGS='-mod=mod -modcacherw' \
  go build -trimpath -o "$staging/$name" "$package") >&2
chmod 0755 "$staging"
# A rename is atomic; should another build have won the race, its entry stands and ours goes.
mv -T "$staging" "$entry" 2>/dev/null || [ -x "$bin" ]
echo "build-go-tool: $name $version built in $(($(date +%s) - start)) s" >&2
echo "$bin"
