#!/usr/bin/env bash
# Installs what the chart and GitOps checks need and prints the folder of their commands,
# TOOLS_DIR/k8s-tools/bin (scripts/lib/tools-dirs.sh):
#   helm v3.22.0, kubeconform v0.8.0, kustomize v5.8.2 (v5.8.3 needs Go 1.27), helm-docs v1.14.2 and
#   chart-testing (ct) v3.14.0 — built from the Go module proxy into the binary cache
#   (scripts/build-go-tool.sh) and linked here;
#   yamllint and yamale (ct lint needs them) — PyPI, in a virtualenv.
#   promtool (the alert rules' unit tests, charts/test/alert-rules.test.ts) — Debian's prometheus
#   package (apt-get, as root), linked here.
# The JSON schemas kubeconform checks against are made by scripts/make-k8s-schemas.sh.
# Skips what is already there. A first run with an empty binary cache takes about 5 minutes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/tools-dirs.sh
. "$here/lib/tools-dirs.sh"
root="$TOOLS_DIR/k8s-tools"
bin="$root/bin"
mkdir -p "$bin"
say() { echo "install-k8s-tools: $*" >&2; }

tool() { # NAME VERSION MODULE PACKAGE
  [ -x "$bin/$1" ] && [ -x "$(readlink -f "$bin/$1")" ] && return 0
  ln -sfn "$("$here/build-go-tool.sh" "$1" "$2" local "$3" "$4")" "$bin/$1"
}
tool helm v3.22.0 helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm
tool kubeconform v0.8.0 github.com/yannh/kubeconform github.com/yannh/kubeconform/cmd/kubeconform
tool kustomize v5.8.2 sigs.k8s.io/kustomize/kustomize/v5 sigs.k8s.io/kustomize/kustomize/v5
tool helm-docs v1.14.2 github.com/norwoodj/helm-docs github.com/norwoodj/helm-docs/cmd/helm-docs
tool ct v3.14.0 github.com/helm/chart-testing/v3 github.com/helm/chart-testing/v3/ct

if [ ! -x "$root/venv/bin/yamllint" ] || [ ! -x "$root/venv/bin/yamale" ]; then
  say "yamllint, yamale (PyPI)"
  python3 -m venv "$root/venv" >&2 || { apt-get install -y python3-venv >&2 && python3 -m venv "$root/venv" >&2; }
  "$root/venv/bin/pip" install --quiet --disable-pip-version-check yamllint==1.37.1 yamale==6.0.0 >&2
fi
ln -sf "$root/venv/bin/yamllint" "$bin/yamllint"
if ! command -v promtool >/dev/null; then
  say "promtool (Debian's prometheus package)"
  [ "$(id -u)" = 0 ] || { say "promtool: apt-get install prometheus needs root"; exit 1; }
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends prometheus >&2
fi
ln -sf "$(command -v promtool)" "$bin/promtool"
ln -sf "$root/venv/bin/yamale" "$bin/yamale"
echo "$bin"
