// Before the first phase: the parties (3 client apps of 2 tenants, 2 groups), the tenants file the
// system starts with, and the load built once the system runs (its Ergo chain's block ids).
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  parseTxFile,
  serializeTxFile,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { StateChains } from '@anchorpost/protocol/testing';
import { waitUntil } from '../clients.ts';
import { recipientHashOf, tenantsSetup } from '../tenant-keys.ts';
import { TRUSTED_BLOCK_HEIGHTS, type Client, type Group, type Load, type SystemUnderTest } from './state.ts';

const trustedHeight = (i: number) => TRUSTED_BLOCK_HEIGHTS.from + (i % TRUSTED_BLOCK_HEIGHTS.count);

/**
 * The ids of the trusted heights on the system's Ergo chain (`GET /blocks/at/{height}`, once they
 * are mined), or undefined without Ergo.
 */
async function trustedBlockIds(system: SystemUnderTest): Promise<Map<number, string> | undefined> {
  if (system.ergo === undefined) return undefined;
  const ids = new Map<number, string>();
  for (let i = 0; i < TRUSTED_BLOCK_HEIGHTS.count; i += 1) {
    const height = TRUSTED_BLOCK_HEIGHTS.from + i;
    await waitUntil(
      `Ergo block ${height}`,
      async () => {
        const found = (await (
          await fetch(`${system.ergo!.nodeUrl()}/blocks/at/${height}`)
        ).json()) as string[];
        if (found[0] !== undefined) ids.set(height, found[0]);
        return found[0] !== undefined;
      },
      60_000,
    );
  }
  return ids;
}

export interface Parties {
  /** The sender of every file. */
  readonly alice: PrivateIdentity;
  readonly clients: readonly Client[];
  /** Their recipient hashes are set by buildLoad. */
  readonly groups: readonly Group[];
  /** The tenants file content the system starts with: the client apps' keys and API keys. */
  readonly tenants: unknown;
}

export async function createParties(): Promise<Parties> {
  const clients: Client[] = [];
  const groups: Group[] = [];
  const [alice, bob, carol, dave, erin, ...apps] = await Promise.all(
    Array.from({ length: 8 }, () => generateIdentity('modern')),
  );
  const apps3 = [
    { tenant: 'acme', app: apps[0]! },
    { tenant: 'acme', app: apps[1]! },
    { tenant: 'globex', app: apps[2]! },
  ];
  for (const [name, members] of [
    ['bob+carol', [bob!, carol!]],
    ['dave+erin', [dave!, erin!]],
  ] as const) {
    const { keys } = await createGroup('modern', [alice!.public, ...members.map((m) => m.public)]);
    groups.push({ name, keys, hash: '', members: name.split('+') });
  }
  // The send phase's subscribers listen with acme's key before any file is sent: the operator
  // registers both groups for acme.
  const { tenants, apiKeys } = tenantsSetup(apps3, {
    acme: groups.map((group) => recipientHashOf(group.keys)),
  });
  clients.push(...apps3.map((entry) => ({ ...entry, apiKey: apiKeys[entry.tenant]! })));
  return { alice: alice!, clients, groups, tenants };
}

/** `count` tx-files over the parties, naming blocks of the system's Ergo chain when it has one. */
export async function buildLoad(system: SystemUnderTest, parties: Parties, count: number): Promise<Load> {
  const { alice, clients, groups } = parties;
  const files: { bytes: Uint8Array; client: Client; group: number }[] = [];
  let madeUpBlockFile: Uint8Array | undefined;
  const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
  const trustedIds = await trustedBlockIds(system);
  /** The i-th file's trustedblock: a real block of the Ergo chain when there is one. */
  const trusted = (i: number, fill: string) => {
    const height = trustedHeight(i);
    return { height, signature: trustedIds?.get(height) ?? fill.repeat(64) };
  };
  /** The lastblock: with Ergo, its newest trusted height (real, at or below any tip since). */
  const newest = TRUSTED_BLOCK_HEIGHTS.from + TRUSTED_BLOCK_HEIGHTS.count - 1;
  const last = (height: number, fill: string) =>
    trustedIds === undefined ? block(height, fill) : { height: newest, signature: trustedIds.get(newest)! };
  if (trustedIds !== undefined) {
    madeUpBlockFile = serializeTxFile(
      buildTxFile({
        group: (await createGroup('modern', [alice.public])).keys,
        senders: [alice],
        client: clients[0]!.app,
        blockchain: {
          lastblock: last(0, 'e'),
          trustedblock: { height: newest - 1, signature: 'e'.repeat(64) },
        },
        message: { data: new TextEncoder().encode('names a block the chain does not have') },
      }),
    );
  }
  // Each app's files to a group follow its state chain: a relay refuses two at one position.
  const chains = new StateChains();
  for (let i = 0; i < count; i += 1) {
    const client = clients[i % clients.length]!;
    const group = i % groups.length;
    const bytes = chains.buildBytes({
      group: groups[group]!.keys,
      senders: [alice],
      client: client.app,
      blockchain: { lastblock: last(2_000_000 + i, 'a'), trustedblock: trusted(i, 'b') },
      message: { data: new TextEncoder().encode(`message ${i} to ${groups[group]!.name}`) },
    });
    files.push({ bytes, client, group });
    groups[group]!.hash = parseTxFile(bytes).recipient.sha512hash;
  }
  let fresh = 0;
  const buildFreshFile = () =>
    chains.buildBytes({
      group: groups[0]!.keys,
      senders: [alice],
      client: clients[0]!.app,
      blockchain: {
        lastblock: last(3_000_000 + fresh, 'c'),
        trustedblock: trusted(fresh, 'd'),
      },
      message: { data: new TextEncoder().encode(`fresh message ${fresh++}`) },
    });
  return { clients, groups, files, buildFreshFile, madeUpBlockFile };
}
