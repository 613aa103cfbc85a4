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
  /**
   * The relay the deploy log's records go to as tx-files, to be anchored; empty: they are not sent.
   * Set, it needs the four settings below.
   */
  relayUrl: { kind: 'url', env: 'ANCHORPOST_UPDATER_RELAY_URL', default: '' },
  /** The file holding the API key of the relay tenant the updater writes as. */
  relayApiKeyFile: { kind: 'string', env: 'ANCHORPOST_UPDATER_RELAY_API_KEY_FILE', default: '' },
  /** The updater's private key file (`anchorpost keygen`): the client key registered with that tenant. */
  identityFile: { kind: 'string', env: 'ANCHORPOST_UPDATER_IDENTITY_FILE', default: '' },
  /** The group bundle the deploy log is written to (the updater a member), a recipient of the tenant. */
  deployLogGroupFile: { kind: 'string', env: 'ANCHORPOST_UPDATER_DEPLOY_LOG_GROUP_FILE', default: '' },
  /** The Ergo node whose blocks the tx-files name (`lastblock`, `trustedblock`), as the relay checks them. */
  ergoNodeUrl: { kind: 'url', env: 'ANCHORPOST_UPDATER_ERGO_NODE_URL', default: '' },
  /** HTTP port of /healthz, /readyz, /metrics. */
  host: { kind: 'string', env: 'ANCHORPOST_UPDATER_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_UPDATER_PORT', default: 7480, min: 0, max: 65_535 },
  ...managementConfigSchema('UPDATER', 7481),
} as const satisfies ConfigSchema;

export type UpdaterConfig = ConfigOf<typeof updaterConfigSchema>;
