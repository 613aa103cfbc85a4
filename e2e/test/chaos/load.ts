// A steady load on the relays: fresh tx-files from a few client apps to a few groups, offered at
// a fixed rate across every relay, each retried with the same bytes until a receipt comes back
// ("accepted means durable" makes that safe). Every receipt is kept for the reconciliation.
import { setTimeout as sleep } from 'node:timers/promises';
import { createGroup, generateIdentity, type GroupKeys, type PrivateIdentity } from '@anchorpost/protocol';
import { StateChains } from '@anchorpost/protocol/testing';
import { submitUntilAccepted, type Receipt } from '../clients.ts';
import { recipientHashOf, tenantsSetup } from '../tenant-keys.ts';

export interface LoadParties {
  readonly tenants: unknown;
  readonly sender: PrivateIdentity;
  readonly apps: readonly { tenant: string; app: PrivateIdentity; apiKey: string }[];
  readonly groups: readonly GroupKeys[];
  /** The recipient hash of each group, what subscribers listen on. */
  readonly recipientHashes: readonly string[];
  /** Each app's state chain per group: every file takes the next position (a relay refuses forks). */
  readonly chains: StateChains;
}

/**
 * The i-th tx-file of these parties: from the sender, signed by client app i mod 3, to group
 * i mod 2, with `text` as its message, next in the app's state chain in the group; `height` makes
 * its block references (and so its CID) unique.
 */
/** A block of the Ergo chain the platform anchors on: its height and id. */
export interface ErgoBlock {
  readonly height: number;
  readonly id: string;
}

export function partiesTxFile(
  parties: Pick<LoadParties, 'sender' | 'apps' | 'groups' | 'chains'>,
  i: number,
  height: number,
  text: string,
  ergoBlock?: ErgoBlock,
): { tenant: string; apiKey: string; bytes: Uint8Array } {
  const { tenant, app, apiKey } = parties.apps[i % parties.apps.length]!;
  const block = (at: number, fill: string) => ({ height: at, signature: fill.repeat(64) });
  // With an Ergo chain, the file names one of its real blocks (a verifier checks it on the node).
  const named = ergoBlock === undefined ? undefined : { height: ergoBlock.height, signature: ergoBlock.id };
  const bytes = parties.chains.buildBytes({
    group: parties.groups[i % parties.groups.length]!,
    senders: [parties.sender],
    client: app,
    blockchain: { lastblock: named ?? block(height, 'c'), trustedblock: named ?? block(height - 10, 'd') },
    message: { data: new TextEncoder().encode(text) },
  });
  return { tenant, apiKey, bytes };
}

/** Two tenants, three client apps, two groups of two (plus the sender). */
export async function loadParties(): Promise<LoadParties> {
  const [sender, a1, a2, b1, b2, ...apps] = await Promise.all(
    Array.from({ length: 8 }, () => generateIdentity('modern')),
  );
  const groups = [];
  for (const members of [
    [a1!, a2!],
    [b1!, b2!],
  ]) {
    groups.push((await createGroup('modern', [sender!.public, ...members.map((m) => m.public)])).keys);
  }
  // The subscribers listen with acme's key from the start: both groups are registered for acme.
  const recipientHashes = groups.map(recipientHashOf);
  const { tenants, apiKeys } = tenantsSetup(
    [
      { tenant: 'acme', app: apps[0]! },
      { tenant: 'acme', app: apps[1]! },
      { tenant: 'globex', app: apps[2]! },
    ],
    { acme: recipientHashes },
  );
  const clientApps = [
    { tenant: 'acme', app: apps[0]!, apiKey: apiKeys.acme! },
    { tenant: 'acme', app: apps[1]!, apiKey: apiKeys.acme! },
    { tenant: 'globex', app: apps[2]!, apiKey: apiKeys.globex! },
  ];
  const parties = { sender: sender!, apps: clientApps, groups, chains: new StateChains() };
  return { ...parties, recipientHashes, tenants };
}

export interface SteadyLoadOptions {
  readonly parties: LoadParties;
  readonly relayUrls: readonly string[];
  /** Files offered per second, in all. */
  readonly rate: number;
  /** Submissions in flight at most; while the system is down they wait on their retries. */
  readonly concurrency: number;
  /** The Ergo block every file names, when the platform anchors on Ergo. */
  readonly ergoBlock?: ErgoBlock;
}

/** Runs until stop(); `receipts` grows as files are accepted. */
export class SteadyLoad {
  readonly receipts = new Map<string, Receipt & { acceptedAtMs: number }>();
  /** Submissions that needed more than one try (a fault was in the way). */
  retried = 0;
  /** The first submission the platform refused for good; the load worker that met it stops. */
  failure: Error | undefined;
  readonly #options: SteadyLoadOptions;
  #stopped = false;
  readonly #workers: Promise<void>[];
  #next = 0;

  constructor(options: SteadyLoadOptions) {
    this.#options = options;
    const interval = (1000 * options.concurrency) / options.rate;
    this.#workers = Array.from({ length: options.concurrency }, (_, w) => this.#work(w, interval));
  }

  async #work(worker: number, interval: number): Promise<void> {
    const { parties, relayUrls } = this.#options;
    await sleep((interval * worker) / this.#options.concurrency);
    while (!this.#stopped) {
      const started = Date.now();
      const i = this.#next++;
      const { apiKey, bytes } = partiesTxFile(
        parties,
        i,
        3_000_000 + i,
        `chaos load file ${i}`,
        this.#options.ergoBlock,
      );
      let tries = 0;
      let receipt: Receipt;
      try {
        receipt = await submitUntilAccepted(
          () => relayUrls[(i + tries++) % relayUrls.length]!,
          apiKey,
          bytes,
          Date.now() + 10 * 60_000,
        );
      } catch (error) {
        // A refusal is a finding: kept with its time so the test names the fault it came under.
        this.failure ??= new Error(
          `load file ${i} refused at ${new Date().toISOString()}: ${(error as Error).message}`,
        );
        return;
      }
      if (tries > 1) this.retried += 1;
      this.receipts.set(receipt.cid, { ...receipt, acceptedAtMs: Date.now() });
      await sleep(Math.max(0, interval - (Date.now() - started)));
    }
  }

  /** Stops offering files and waits for the ones in flight to get their receipts (or a refusal). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#workers);
  }
}
