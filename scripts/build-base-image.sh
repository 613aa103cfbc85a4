#!/usr/bin/env bash
# Makes the images' base locally and prints its tag, for `--build-arg NODE_IMAGE=<tag>`: no image
# registry is needed, only Debian's package mirror and the npm registry.
#
#   Debian bookworm, `debootstrap --variant=minbase`, from the mirror apt uses here (the first
#   bookworm URI in /etc/apt/sources.list*, or ANCHORPOST_DEBIAN_MIRROR);
#   + Node 24: the binary of the npm package `node@24` (scripts/ensure-node.sh) as /usr/local/bin/node;
#   + npm: the npm package at the version package.json's `packageManager` names, as the official
#     node images lay it out (/usr/local/lib/node_modules/npm, npm and npx in /usr/local/bin);
#   + the `node` user and group, uid and gid 1000, as in the official images.
#
# The root filesystem's tarball is kept in the binary cache (scripts/lib/tools-dirs.sh; CI keeps it
# between runs), named by a hash of this script, the mirror and the Node and npm versions: it is
# made once (about 2 minutes), then only `docker import`ed (seconds) when the engine lacks the tag.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/tools-dirs.sh
. scripts/lib/tools-dirs.sh

mirror="${ANCHORPOST_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  # deb822 files (URIs: ...) and one-line ones (deb URI SUITE ...): the first mirror serving bookworm.
  mirror=$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
    | awk '/^URIs:/ { uri = $2 } /^Suites:/ && uri != "" && / bookworm( |$)/ { print uri; exit }
           /^deb / && / bookworm( |$)/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')
fi
[ -n "$mirror" ] || { echo "build-base-image: no bookworm mirror in /etc/apt/sources.list*; set ANCHORPOST_DEBIAN_MIRROR" >&2; exit 1; }

node_bin=$(readlink -f "$(scripts/ensure-node.sh)/node")
node_version=$("$node_bin" --version)
npm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
key=$( { cat "$0"; printf '%s\n' "$mirror" "$node_version" "$npm_version"; } | sha256sum | cut -c1-16)
tag="anchorpost-base/node:${node_version#v}-bookworm-$key"
tarball="$BIN_CACHE/node-base-$node_version-$key/rootfs.tar.gz"

if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi

if [ ! -f "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "build-base-image: debootstrap is required (apt-get install debootstrap)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "build-base-image: debootstrap needs root" >&2; exit 1; }
  start=$(date +%s)
  echo "build-base-image: debootstrap bookworm from $mirror, Node $node_version, npm $npm_version" >&2
  work=$(mktemp -d)
  mkdir -p "$BIN_CACHE"
  staging=$(mktemp -d "$BIN_CACHE/.node-base.XXXXXX")
  trap 'rm -rf "$work" "$staging"' EXIT
  root="$work/root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }

  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  (cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null)
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

  echo 'node:x:1000:' >>"$root/etc/group"
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$root/etc/passwd"
  echo 'node:*:20000:0:99999:7:::' >>"$root/etc/shadow"
  install -d -o 1000 -g 1000 "$root/home/node"

  # What a container never needs: apt's downloads and lists, manuals, documentation.
  rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log
  # Fixed times: the tarball, and so the image's layer, depends only on what is in it.
  tar --numeric-owner --sort=name --mtime=@0 -C "$root" -czf "$staging/rootfs.tar.gz" .
  chmod 0755 "$staging"
  mv -T "$staging" "$(dirname "$tarball")" 2>/dev/null || [ -f "$tarball" ]
  echo "build-base-image: root filesystem made in $(($(date +%s) - start)) s ($(du -h "$tarball" | cut -f1) compressed)" >&2
fi

docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'CMD ["node"]' \
  --message "Debian bookworm minbase, Node $node_version, npm $npm_version" \
  "$tarball" "$tag" >/dev/null
echo "$tag"
