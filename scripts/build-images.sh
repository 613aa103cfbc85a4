#!/usr/bin/env bash
# Builds every target of the Dockerfile for real, on the locally made base (scripts/build-base-image.sh),
# and prints one line per image: its tag, its size and how long it took.
#
#   scripts/build-images.sh               # every target: anchorpost/<target>:local
#   scripts/build-images.sh relay migrate # only these
#   ANCHORPOST_IMAGE_PREFIX=ghcr.io/anchorpost/ ANCHORPOST_IMAGE_TAG=0.1.0 scripts/build-images.sh
#
# BuildKit builds only the stages a target needs, shares the `build` stage between targets and sends
# the build context once; it is built into the engine, and Debian's docker CLI (docker.io, which
# scripts/start-docker.sh installs) drives it without the buildx plugin: ANCHORPOST_DOCKER_CLI,
# default /usr/bin/docker when present.
# Needs a Docker engine (scripts/start-docker.sh) and an npm cache holding the lockfile's packages
# (`npm ci` fills it): the build's install runs offline from it. The build's containers use the
# host's network (the engine has no bridge), and address nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${ANCHORPOST_IMAGE_PREFIX:-anchorpost/}"
tag="${ANCHORPOST_IMAGE_TAG:-local}"
if [ $# -gt 0 ]; then
  targets=("$@")
else
  # Every final stage, in the Dockerfile's order: those built FROM runtime.
  mapfile -t targets < <(awk 'toupper($1) == "FROM" && $2 == "runtime" && toupper($3) == "AS" { print $4 }' Dockerfile)
fi
[ ${#targets[@]} -gt 0 ] || { echo "build-images: no targets in the Dockerfile" >&2; exit 1; }

cli="${ANCHORPOST_DOCKER_CLI:-$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || echo docker)}"
docker info >/dev/null 2>&1 || { echo "build-images: no Docker engine answers (scripts/start-docker.sh starts one)" >&2; exit 1; }
base=$(scripts/build-base-image.sh)
log=$(mktemp -t anchorpost-build-images.XXXXXX)
# The build installs offline from this machine's npm cache (the Dockerfile's build stage): what of
# it the lockfile needs, linked into the build context, and gone again afterwards. `npm ci` fills it.
cache="$(npm config get cache)/_cacache"
[ -d "$cache" ] || { echo "build-images: no npm cache at $cache: run npm ci first" >&2; exit 1; }
rm -rf .image-build
trap 'rm -f "$log"; rm -rf .image-build' EXIT
node scripts/npm-cache-for-lockfile.ts "$cache" .image-build/npm-cache/_cacache >/dev/null
# The updater's dry-run tools: the very builds the chart checks run (scripts/install-k8s-tools.sh),
# copied (not linked: the build context holds no link out of itself) for its stage to COPY.
if printf '%s\n' "${targets[@]}" | grep -qx updater; then
  tools=$(scripts/install-k8s-tools.sh)
  mkdir -p .image-build/k8s-tools
  for tool in helm kustomize kubeconform; do cp -L "$tools/$tool" .image-build/k8s-tools/; done
fi
for target in "${targets[@]}"; do
  start=$(date +%s)
  if ! DOCKER_BUILDKIT=1 "$cli" build --progress plain --network host --build-arg "NODE_IMAGE=$base" \
    --target "$target" -t "$prefix$target:$tag" . >"$log" 2>&1; then
    echo "build-images: $target failed; the build's output ends:" >&2
    tail -n 40 "$log" >&2
    grep -q ENOTCACHED "$log" && echo "build-images: the npm cache lacks a package of the lockfile: run npm ci, then build again" >&2
    exit 1
  fi
  size=$(docker image inspect --format '{{.Size}}' "$prefix$target:$tag")
  printf '%-40s %4d MB  %3d s\n' "$prefix$target:$tag" "$((size / 1000000))" "$(($(date +%s) - start))"
done
