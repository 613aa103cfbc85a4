/**
 * Test support: where the chart tools are (scripts/install-k8s-tools.sh, make-k8s-schemas.sh), or why a test skips
 * (it fails instead with ANCHORPOST_REQUIRE_K8S_TOOLS=1, as CI sets).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KustomizeDryRunOptions } from '../release-dry-run.ts';

/** `repoRoot`: the repository whose charts/schemas hold the CRD schemas of our own objects. */
export function k8sTools(
  repoRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): { dryRun: KustomizeDryRunOptions } | { skip: string } {
  const root = join(env['ANCHORPOST_TOOLS_DIR'] ?? join(homedir(), '.cache/anchorpost'), 'k8s-tools');
  const bin = join(root, 'bin');
  const schemas = join(root, 'schemas');
  for (const needed of [join(bin, 'kustomize'), join(bin, 'helm'), join(bin, 'kubeconform'), schemas]) {
    if (!existsSync(needed)) {
      const why = `${needed} is missing (scripts/install-k8s-tools.sh, scripts/make-k8s-schemas.sh)`;
      if (env['ANCHORPOST_REQUIRE_K8S_TOOLS'] === '1') throw new Error(why);
      return { skip: why };
    }
  }
  return {
    dryRun: {
      kustomize: join(bin, 'kustomize'),
      helm: join(bin, 'helm'),
      kubeconform: join(bin, 'kubeconform'),
      schemaLocations: [
        `${schemas}/{{ .NormalizedKubernetesVersion }}-standalone-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
        `${schemas}/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
        `${join(repoRoot, 'charts/schemas/crds')}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
      ],
    },
  };
}
