/**
 * The one data folder of the embedded platform. Every part keeps its state in its own
 * sub-folder, so a second `npm start` on the same folder resumes where the first stopped.
 */
import { join, resolve } from 'node:path';

export interface DataDir {
  readonly root: string;
  readonly postgres: string;
  readonly bus: string;
  readonly storage: string;
  readonly evm: string;
  readonly anvilState: string;
  readonly anvilPid: string;
  readonly deployment: string;
  readonly keys: string;
  readonly relayKey: string;
  /** The operator's key for the relay's admin API (`anchorpost tenant …` reads it), 0600. */
  readonly adminKey: string;
  readonly tenants: string;
  /** The platform's trust roots (TrustRoots v1), rewritten at every start. */
  readonly trust: string;
  /** With ANCHORPOST_PLATFORM_SPONSOR: the sponsor's contracts on the local chain. */
  readonly sponsorDeployment: string;
  /** The sponsor's shared account key (anvil's second development key), 0600. */
  readonly sponsorKey: string;
  /** The tenants' sponsorship policies (docs/sponsor.md), created empty. */
  readonly sponsorPolicy: string;
  /** The sponsor ledger's client key on the platform's relay (its private key file), 0600. */
  readonly sponsorLedgerIdentity: string;
  /** The group the sponsor ledger's tx-files are sealed to (the ledger's client its one member). */
  readonly sponsorLedgerGroup: string;
  /** The API key of the relay tenant the ledger is written as, 0600. */
  readonly sponsorLedgerApiKey: string;
}

export function dataDir(root: string): DataDir {
  const at = resolve(root);
  return {
    root: at,
    postgres: join(at, 'postgres'),
    bus: join(at, 'bus'),
    storage: join(at, 'storage'),
    evm: join(at, 'evm'),
    anvilState: join(at, 'evm', 'anvil-state.json'),
    anvilPid: join(at, 'evm', 'anvil.pid'),
    deployment: join(at, 'evm', 'deployment.json'),
    keys: join(at, 'keys'),
    relayKey: join(at, 'keys', 'relay-key.pem'),
    adminKey: join(at, 'keys', 'admin-key'),
    tenants: join(at, 'tenants.json'),
    trust: join(at, 'trust.json'),
    sponsorDeployment: join(at, 'evm', 'sponsor-deployment.json'),
    sponsorKey: join(at, 'keys', 'sponsor-key'),
    sponsorPolicy: join(at, 'sponsor-policy.json'),
    sponsorLedgerIdentity: join(at, 'keys', 'sponsor-ledger-identity.json'),
    sponsorLedgerGroup: join(at, 'keys', 'sponsor-ledger-group.json'),
    sponsorLedgerApiKey: join(at, 'keys', 'sponsor-ledger-api-key'),
  };
}
