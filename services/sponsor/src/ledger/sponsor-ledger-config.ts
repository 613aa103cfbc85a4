/**
 * The ledger's way to the relay (`ANCHORPOST_SPONSOR_LEDGER_*`): each line and void goes to the
 * relay as a tx-file of a platform tenant, written by a client key registered with that tenant,
 * sealed to a group the tenant may write to, naming Ergo blocks the relay can check. No relay URL:
 * the ledger is kept in PostgreSQL only (listed and reconciled, not anchored). Either way it is
 * audited every `auditInterval` (ledger-audit.ts).
 */
import type { ConfigOf } from '@anchorpost/service-kit';

export const sponsorLedgerConfigSchema = {
  /** The relay the ledger's records go to as tx-files, to be anchored; empty: they are not sent. Set, it needs the four settings below. */
  relayUrl: { kind: 'url', env: 'ANCHORPOST_SPONSOR_LEDGER_RELAY_URL', default: '' },
  /** The file holding the API key of the relay tenant the sponsor writes its ledger as. */
  relayApiKeyFile: { kind: 'string', env: 'ANCHORPOST_SPONSOR_LEDGER_RELAY_API_KEY_FILE', default: '' },
  /** The sponsor's private key file (`anchorpost keygen`): the client key registered with that tenant. */
  identityFile: { kind: 'string', env: 'ANCHORPOST_SPONSOR_LEDGER_IDENTITY_FILE', default: '' },
  /** The group bundle the ledger is written to (the sponsor a member), a recipient of the tenant. */
  groupFile: { kind: 'string', env: 'ANCHORPOST_SPONSOR_LEDGER_GROUP_FILE', default: '' },
  /** The Ergo node whose blocks the tx-files name (`lastblock`, `trustedblock`), as the relay checks them. */
  ergoNodeUrl: { kind: 'url', env: 'ANCHORPOST_SPONSOR_LEDGER_ERGO_NODE_URL', default: '' },
  /** The proof API asked for each line's proof: a line is anchored when its proof verifies against ANCHORPOST_SPONSOR_LEDGER_TRUST_FILE; empty: no line is reported anchored. */
  proofApiUrl: { kind: 'url', env: 'ANCHORPOST_SPONSOR_LEDGER_PROOF_API_URL', default: '' },
  /** The trust roots (TrustRoots v1, as `anchorpost verify --trust` reads them) the lines' proofs are verified against; required with the proof API. */
  trustFile: { kind: 'string', env: 'ANCHORPOST_SPONSOR_LEDGER_TRUST_FILE', default: '' },
  /** How often the ledger's new records are built into tx-files and sent. */
  interval: { kind: 'duration', env: 'ANCHORPOST_SPONSOR_LEDGER_INTERVAL', default: 5_000 },
  /** How often every tenant's ledger is reconciled and the sponsor accounts' transactions audited (the mismatch metric). */
  auditInterval: { kind: 'duration', env: 'ANCHORPOST_SPONSOR_LEDGER_AUDIT_INTERVAL', default: 300_000 },
  /** The block the forwarder was deployed in: where the audit starts reading the sponsor accounts' transactions (on a database without a cursor). */
  forwarderDeployBlock: { kind: 'int', env: 'ANCHORPOST_SPONSOR_FORWARDER_DEPLOY_BLOCK', default: 0, min: 0 },
} as const;

export type SponsorLedgerConfig = ConfigOf<typeof sponsorLedgerConfigSchema>;
