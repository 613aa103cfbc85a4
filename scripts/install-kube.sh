#!/usr/bin/env bash
# Installs a Kubernetes control plane and node for the real-API-server tests and prints the folder
# that holds them, TOOLS_DIR/kube-VERSION (scripts/lib/tools-dirs.sh), where the tests look when
# ANCHORPOST_KUBE_BIN_DIR is not set:
#
#   kube-apiserver, kubectl  k8s.io/kubernetes VERSION (cmd/kube-apiserver, cmd/kubectl)
#   kube-scheduler, kube-controller-manager, kubelet
#                            the same (the node that runs the chart's pods: charts/test/kube-node.ts)
#   etcd                     go.etcd.io/etcd/server/v3 at the version Kubernetes itself requires
#   pause                    the pod sandboxes' process (its source is below): registry.k8s.io's
#                            pause image cannot be pulled here, so the node makes its own from it
#
# All of them are built from the Go module proxy into the binary cache, like Kubo
# (scripts/build-go-tool.sh), in one wrapper module so they share one build list. k8s.io/kubernetes
# cannot be required as it is: its go.mod requires its staging modules (k8s.io/api,
# k8s.io/apimachinery, k8s.io/client-go, ...) at v0.0.0 and points them at ./staging, which only
# works inside its own repository. The wrapper pins each of them to the matching published release
# (v0.MINOR.PATCH) with a replace directive.
#
# The version is stamped in with -ldflags as the release build does; without it the server reports
# v0.0.0 and Helm refuses every chart whose kubeVersion asks for a real release.
#
# The binaries land in BIN_CACHE/kube-VERSION-KEY, KEY hashing this script and its settings; a build
# runs in a temporary folder renamed into place once complete. The first build took 35 minutes on
# two cores shared with other builds (about 2,260 packages); after that the script only links and
# prints, in about a second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/tools-dirs.sh
. "$here/lib/tools-dirs.sh"
version="${KUBE_VERSION:-v1.34.4}"
etcd_version="${KUBE_ETCD_VERSION:-v3.6.4}"
# Kubernetes 1.34 is released with Go 1.24; Go 1.25 (already fetched for Kubo) builds it, and the
# go command takes it from the module proxy.
toolchain="${KUBE_GOTOOLCHAIN:-go1.25.5}"
staging_version="v0.${version#v1.}"
# Every staging module that k8s.io/kubernetes's go.mod points at ./staging.
staging_modules="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go
  cloud-provider cluster-bootstrap code-generator component-base component-helpers
  controller-manager cri-api cri-client csi-translation-lib dynamic-resource-allocation endpointslice
  externaljwt kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet
  metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller"

key=$( { cat "$0"; printf '%s\n' "$version" "$etcd_version" "$toolchain"; } | sha256sum | cut -c1-16)
entry="$BIN_CACHE/kube-$version-$key"
link="$TOOLS_DIR/kube-$version"

binaries="kube-apiserver kubectl kube-scheduler kube-controller-manager kubelet etcd pause"
missing=""
for b in $binaries; do [ -x "$entry/$b" ] || missing=1; done
if [ -n "$missing" ]; then
  command -v go >/dev/null || { echo "install-kube: Go is required (https://go.dev/dl)" >&2; exit 1; }
  mkdir -p "$BIN_CACHE"
  work=$(mktemp -d)
  staging=$(mktemp -d "$BIN_CACHE/.kube-$version.XXXXXX")
  trap 'rm -rf "$work" "$staging"' EXIT
  {
    printf 'module anchorpost.local/kube-build\n\ngo 1.24.0\n\n'
    printf 'require (\n\tk8s.io/kubernetes %s\n\tgo.etcd.io/etcd/server/v3 %s\n)\n\nreplace (\n' \
      "$version" "$etcd_version"
    for m in $staging_modules; do printf '\tk8s.io/%s => k8s.io/%s %s\n' "$m" "$m" "$staging_version"; done
    printf ')\n'
  } >"$work/go.mod"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    minor=${version#v1.}
    ldflags="$ldflags -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor%%.*}"
    ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "install-kube: building kube-apiserver, kubectl, kube-scheduler, kube-controller-manager, kubelet $version and etcd $etcd_version (Go $toolchain); the first build takes long" >&2
  start=$(date +%s)
  # -modcacherw: the module cache stays deletable (CI removes its HOME, and the cache with it).
  (cd "$work" && GOTOOLCHAIN="$toolchain" GOFLAGS='-mod=mod -modcacherw' CGO_ENABLED=0 \
    nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$staging/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubelet go.etcd.io/etcd/server/v3) >&2
  # The sandbox process: waits for SIGTERM or SIGINT and reaps the children it inherits.
  mkdir "$work/pause"
  printf 'module anchorpost.local/pause\n\ngo 1.24.0\n' >"$work/pause/go.mod"
  cat >"$work/pause/main.go" <<'GO'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
GO
  (cd "$work/pause" && GOTOOLCHAIN="$toolchain" CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$staging/pause" .) >&2
  # go build names the etcd binary after the element before /v3.
  mv "$staging/server" "$staging/etcd"
  chmod 0755 "$staging"
  # A rename is atomic; should another build have won the race, its entry stands and ours goes.
  mv -T "$staging" "$entry" 2>/dev/null || [ -x "$entry/kube-apiserver" ]
  echo "install-kube: built in $(($(date +%s) - start)) s" >&2
fi

mkdir -p "$link"
for b in $binaries; do ln -sfn "$entry/$b" "$link/$b"; done
"$link/kube-apiserver" --version >&2
"$link/etcd" --version | sed -n 1p >&2
echo "$link"
