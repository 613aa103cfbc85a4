/**
 * The sponsor's ledger in the one-process platform: every settled sponsorship's line goes to the
 * platform's own relay as a tx-file, so the batcher seals it and the anchorer anchors it like any
 * client's, and the line has an inclusion proof (docs/sponsor.md). On first start the data folder
 * gets the ledger's client key and group, and the relay a tenant (`sponsor-ledger`) holding that
 * client key and an API key the sponsor writes with. ANCHORPOST_SPONSOR_LEDGER_RELAY_URL set: the
 * operator's relay instead, with its own settings, and nothing is created here.
 */
import { readFile } from 'node:fs/promises';
import {
  createGroup,
  generateIdentity,
  parsePrivateKeyFile,
  toPrivateKeyFile,
  toPublicKeyFile,
} from '@anchorpost/protocol';
import type { ErgoBlockView, TenantAdministration } from '@anchorpost/relay-core';
import { loadConfig } from '@anchorpost/service-kit';
import { sponsorLedgerConfigSchema } from '@anchorpost/sponsor-service';
import type { SponsorServiceOptions } from '@anchorpost/sponsor-service';
import type { DataDir } from './data-dir.ts';
import { createOnce, exists } from './local-keys.ts';

/** The relay tenant the platform's sponsor writes its ledger as. */
export const LEDGER_TENANT = 'sponsor-ledger';

export interface PlatformRelay {
  /** The relay's HTTP base URL. */
  readonly url: string;
  readonly administration: Pick<TenantAdministration, 'addTenant' | 'addClientKey' | 'issueApiKey'>;
}

/**
 * The platform without Ergo (no ANCHORPOST_ERGO_NODE_URLS): its relay checks no Ergo block, so
 * the ledger's tx-files name height 0 with the all-zero id, a reference that establishes no "sent
 * after" — as for every file sent to such a platform, a verifier says `--no-lower-bound`.
 */
export class NoErgoChain implements ErgoBlockView {
  tipHeight(): Promise<number> {
    return Promise.resolve(0);
  }

  blockIdAt(height: number): Promise<string | undefined> {
    return Promise.resolve(height === 0 ? '0'.repeat(64) : undefined);
  }
}

/** The ledger's client key and group in the data folder, and its tenant at the relay; idempotent. */
async function ensureLedgerClient(dirs: DataDir, relay: PlatformRelay): Promise<void> {
  if (!(await exists(dirs.sponsorLedgerIdentity))) {
    const fresh = await generateIdentity('modern');
    await createOnce(dirs.sponsorLedgerIdentity, `${JSON.stringify(toPrivateKeyFile(fresh))}\n`, 0o600);
  }
  const client = parsePrivateKeyFile(
    JSON.parse(await readFile(dirs.sponsorLedgerIdentity, 'utf8')),
    dirs.sponsorLedgerIdentity,
  );
  if (!(await exists(dirs.sponsorLedgerGroup))) {
    const { bundle } = await createGroup('modern', [client.public]);
    await createOnce(dirs.sponsorLedgerGroup, `${JSON.stringify(bundle)}\n`, 0o644);
  }
  await relay.administration.addTenant(LEDGER_TENANT);
  await relay.administration.addClientKey(LEDGER_TENANT, toPublicKeyFile(client.public));
  // Issued once: the relay's database keeps its hash, the data folder the key.
  if (await exists(dirs.sponsorLedgerApiKey)) return;
  const { key } = await relay.administration.issueApiKey(LEDGER_TENANT, ['submit']);
  await createOnce(dirs.sponsorLedgerApiKey, `${key}\n`, 0o600);
}

/** The sponsor's `ledger` option: the operator's relay when configured, else the platform's own. */
export async function localLedger(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly dirs: DataDir;
  /** The platform's relay; undefined: the ledger goes where the settings say (nowhere by default). */
  readonly relay: PlatformRelay | undefined;
  /** The Ergo node the platform anchors on, when it does. */
  readonly ergoNodeUrl: string | undefined;
  /** Where the local forwarder was deployed: where the audit reads its events from. */
  readonly forwarderDeployBlock: number;
  /** The platform's proof API, which the reconciliation asks for the lines' proofs (checked against `trust.json`). */
  readonly proofApiUrl: string | undefined;
}): Promise<NonNullable<SponsorServiceOptions['ledger']>> {
  const { dirs, relay, ergoNodeUrl } = options;
  const env = {
    ...options.env,
    ANCHORPOST_SPONSOR_FORWARDER_DEPLOY_BLOCK: String(options.forwarderDeployBlock),
  };
  const given = loadConfig(sponsorLedgerConfigSchema, env);
  if (given.relayUrl !== '' || relay === undefined) return { config: given };
  await ensureLedgerClient(dirs, relay);
  const config = loadConfig(sponsorLedgerConfigSchema, {
    ...(options.proofApiUrl === undefined
      ? {}
      : {
          ANCHORPOST_SPONSOR_LEDGER_PROOF_API_URL: options.proofApiUrl,
          ANCHORPOST_SPONSOR_LEDGER_TRUST_FILE: dirs.trust,
        }),
    ...env,
    ANCHORPOST_SPONSOR_LEDGER_RELAY_URL: relay.url,
    ANCHORPOST_SPONSOR_LEDGER_RELAY_API_KEY_FILE: dirs.sponsorLedgerApiKey,
    ANCHORPOST_SPONSOR_LEDGER_IDENTITY_FILE: dirs.sponsorLedgerIdentity,
    ANCHORPOST_SPONSOR_LEDGER_GROUP_FILE: dirs.sponsorLedgerGroup,
    ANCHORPOST_SPONSOR_LEDGER_ERGO_NODE_URL: ergoNodeUrl ?? '',
  });
  return ergoNodeUrl === undefined ? { config, ergoBlocks: new NoErgoChain() } : { config };
}
