#!/usr/bin/env bash
# The GitOps checks: `kustomize build --enable-helm` of every k8s/overlays/* (the chart rendered
# with that environment's values, as Argo CD renders it) piped to `kubeconform -strict` against the
# local schemas, and the Argo CD objects of k8s/argocd against Argo CD's CRD schemas. Prints how
# long each build takes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(scripts/install-k8s-tools.sh)"
export PATH="$bin:$PATH"
schemas="$(scripts/make-k8s-schemas.sh)"
kube="1.34.0"
validate() {
  kubeconform -strict -summary -kubernetes-version "$kube" \
    -schema-location "$schemas/{{ .NormalizedKubernetesVersion }}-standalone-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    -schema-location "charts/schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
}
for overlay in k8s/overlays/*/; do
  overlay="${overlay%/}"
  start=$(date +%s%N)
  # Helm notes the library chart's symlink (charts/anchorpost/charts/anchorpost-lib) on stderr.
  manifests="$(kustomize build --enable-helm "$overlay" 2> >(grep -v 'found symbolic link in path' >&2))"
  echo "kustomize build $overlay: $(((($(date +%s%N) - start)) / 1000000)) ms"
  validate <<<"$manifests"
done
kustomize build k8s/argocd | validate
echo "check-gitops: ok"
