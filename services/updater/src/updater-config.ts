/**
 * The updater's settings (`ANCHORPOST_UPDATER_*`). The chain's RPC endpoints are
 * `ANCHORPOST_EVM_RPC_URLS` (@anchorpost/chains), and the confirmation depth is the parser's own
 * variable, so the updater never acts on a block the parser would not trust yet.
 */
import { managementConfigSchema, type ConfigOf, type ConfigSchema } from '@anchorpost/service-kit';

const ADDRESS = /^(0x)?[0-9a-fA-F]{40}$/;

export const updaterConfigSchema = {
  governor: { kind: 'string', env: 'ANCHORPOST_UPDATER_GOVERNOR', pattern: ADDRESS },
  registry: { kind: 'string', env: 'ANCHORPOST_UPDATER_REGISTRY', pattern: ADDRESS },
  /** The block the Governor was deployed in: where following starts. */
  startBlock: { kind: 'int', env: 'ANCHORPOST_UPDATER_START_BLOCK', default: 0, min: 0 },
  /** Confirmations (counting the event's own block) before the updater acts on it; the parser's. */
  trustedDepth: { kind: 'int', env: 'ANCHORPOST_PARSER_TRUSTED_DEPTH', default: 10, min: 1, max: 10_000 },
  pollIntervalMs: { kind: 'duration', env: 'ANCHORPOST_UPDATER_POLL_INTERVAL', default: 5_000 },
  /** PEM files of the public keys image provenance must be signed with (comma-separated). */
  trustedKeyFiles: { kind: 'list', of: 'string', env: 'ANCHORPOST_UPDATER_TRUSTED_KEY_FILES' },
  /** The GitOps repository (URL or path) and the branch prod follows. */
  gitRemote: { kind: 'string', env: 'ANCHORPOST_UPDATER_GIT_REMOTE' },
  gitBranch: {
    kind: 'string',
    env: 'ANCHORPOST_UPDATER_GIT_BRANCH',
    default: 'release',
    pattern: /^[A-Za-z0-9._/-]{1,200}$/,
  },
  /** The updater's clone (an emptyDir in the cluster). */
  gitWorkDir: { kind: 'string', env: 'ANCHORPOST_UPDATER_GIT_WORK_DIR', default: 'data/gitops' },
  /** The SSH private key release commits are signed with (from a Secret). */
  signingKeyFile: { kind: 'string', env: 'ANCHORPOST_UPDATER_SIGNING_KEY_FILE' },
  authorName: { kind: 'string', env: 'ANCHORPOST_UPDATER_GIT_AUTHOR_NAME', default: 'Anchorpost updater' },
  authorEmail: {
    kind: 'string',
    env: 'ANCHORPOST_UPDATER_GIT_AUTHOR_EMAIL',
    default: 'updater@anchorpost.invalid',
  },
  overlay: { kind: 'string', env: 'ANCHORPOST_UPDATER_OVERLAY', default: 'k8s/overlays/prod' },
  /** The dry run's tools and kubeconform's schema locations (comma-separated). */
  kustomize: { kind: 'string', env: 'ANCHORPOST_UPDATER_KUSTOMIZE', default: 'kustomize' },
  helm: { kind: 'string', env: 'ANCHORPOST_UPDATER_HELM', default: 'helm' },
  kubeconform: { kind: 'string', env: 'ANCHORPOST_UPDATER_KUBECONFORM', default: 'kubeconform' },
  schemaLocations: {
    kind: 'list',
    of: 'string',
    env: 'ANCHORPOST_UPDATER_SCHEMA_LOCATIONS',
    default: ['default'],
  },
  /** Argo CD's API, the prod Application, and the file holding the project-role token. */
  argoCdUrl: { kind: 'url', env: 'ANCHORPOST_UPDATER_ARGOCD_URL' },
  argoCdApplication: {
    kind: 'string',
    env: 'ANCHORPOST_UPDATER_ARGOCD_APPLICATION',
    default: 'anchorpost-prod',
  },
  argoCdTokenFile: { kind: 'string', env: 'ANCHORPOST_UPDATER_ARGOCD_TOKEN_FILE' },
  /** A release not Synced and Healthy this long after its commit is logged stuck (and alerted). */
  deployStuckAfterMs: { kind: 'duration', env: 'ANCHORPOST_UPDATER_DEPLOY_STUCK_AFTER', default: 900_000 },
  storageTimeoutMs: { kind: 'duration', env: 'ANCHORPOST_UPDATER_STORAGE_TIMEOUT', default: 30_000 },
  /** HTTP port of /healthz, /readyz, /metrics. */
  host: { kind: 'string', env: 'ANCHORPOST_UPDATER_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_UPDATER_PORT', default: 7480, min: 0, max: 65_535 },
  ...managementConfigSchema('UPDATER', 7481),
} as const satisfies ConfigSchema;

export type UpdaterConfig = ConfigOf<typeof updaterConfigSchema>;
