#!/usr/bin/env bash
# The chart checks: helm lint and chart-testing lint of charts/anchorpost (with every
# ci/*-values.yaml scenario), `helm template | kubeconform -strict` of every scenario against the
# local schemas, and the chart README up to date with values.yaml (helm-docs).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(scripts/install-k8s-tools.sh)"
export PATH="$bin:$PATH"
schemas="$(scripts/make-k8s-schemas.sh)"
kube="1.34.0"
chart=charts/anchorpost
helm dependency build "$chart" >/dev/null
for values in "$chart"/ci/*-values.yaml; do
  helm lint "$chart" --strict --kube-version "$kube" -f "$values" >/dev/null
  echo "helm lint: $(basename "$values") ok"
  helm template anchorpost "$chart" --kube-version "$kube" -f "$values" |
    kubeconform -strict -summary -kubernetes-version "$kube" \
      -schema-location "$schemas/{{ .NormalizedKubernetesVersion }}-standalone-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      -schema-location "$schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
      -schema-location "charts/schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
done
ct lint --config charts/ct.yaml --charts "$chart"
# The README is generated from values.yaml: it must be current.
helm-docs --chart-search-root charts --template-files README.md.gotmpl --dry-run 2>/dev/null | diff -q - "$chart/README.md" >/dev/null ||
  { helm-docs --chart-search-root charts --template-files README.md.gotmpl --dry-run 2>/dev/null | diff - "$chart/README.md" | head -20; echo "check-charts: charts/anchorpost/README.md is stale: run helm-docs (see docs/kubernetes.md)" >&2; exit 1; }
echo "check-charts: ok"
