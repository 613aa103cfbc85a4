// A relay over the real embedded adapters, all in one temp folder: FileLogBus, HeliaContentStore
// and PGlite (via @anchorpost/db), plus tx-file builders (modern suite, for speed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '@anchorpost/bus';
import { openFileLogBus } from '@anchorpost/bus';
import type { FileLogBus } from '@anchorpost/bus';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  serializeTxFile,
  toPublicKeyFile,
} from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity, TxBlockchain } from '@anchorpost/protocol';
import { buildLegacyTxFile, StateChains } from '@anchorpost/protocol/testing';
import { openHeliaContentStore } from '@anchorpost/storage';
import type { HeliaContentStore } from '@anchorpost/storage';
import { PostgresReceiptStore } from '../src/postgres-receipt-store.ts';
import type { ReceiptStore } from '../src/receipt-store.ts';
import { Relay } from '../src/relay.ts';
import { generateRelayKey } from '../src/relay-key.ts';
import type { RelayOptions } from '../src/relay-options.ts';
import { TenantRegistry } from '../src/tenant-registry.ts';

export const TENANT = 'acme';
export const PARTITIONS = 4;

export interface Fixture {
  dir: string;
  bus: FileLogBus;
  storage: HeliaContentStore;
  database: Database;
  receipts: ReceiptStore;
  tenants: TenantRegistry;
  relayKey: ReturnType<typeof generateRelayKey>;
  relay: Relay;
  /** The registered client app and an unregistered one. */
  app: PrivateIdentity;
  stranger: PrivateIdentity;
  sender: PrivateIdentity;
  /** Another relay over the same stores, with some parts swapped (e.g. a failing bus). */
  relayWith(overrides: Partial<RelayOptions>): Promise<Relay>;
  /** Records on the accepted topic, all partitions together. */
  busRecords(): Promise<number>;
  close(): Promise<void>;
}

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

export async function newGroup(member: PrivateIdentity): Promise<GroupKeys> {
  return (await createGroup('modern', [member.public])).keys;
}

const chains = new StateChains();

/** A serialized tx-file to `group` signed by `client` at the chain position after `before`. */
export function txFileBytesAt(
  group: GroupKeys,
  sender: PrivateIdentity,
  client: PrivateIdentity,
  before: string,
  text = 'hi',
): Uint8Array {
  return serializeTxFile(
    buildTxFile({
      group,
      senders: [sender],
      client,
      before,
      blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
      message: { data: new TextEncoder().encode(text) },
    }),
  );
}

/** A serialized v0.1 tx-file (signatures over the after-state only), at the head of a fresh chain. */
export function legacyTxFileBytes(
  group: GroupKeys,
  sender: PrivateIdentity,
  client: PrivateIdentity,
): Uint8Array {
  return serializeTxFile(
    buildLegacyTxFile({
      group,
      senders: [sender],
      client,
      blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
      message: { data: new TextEncoder().encode('written the v0.1 way') },
    }),
  );
}

/** A fresh, serialized tx-file to `group` signed by `client`, next in the client's state chain. */
export function txFileBytes(
  group: GroupKeys,
  sender: PrivateIdentity,
  client: PrivateIdentity,
  text = 'hi',
  blockchain: TxBlockchain = { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
): Uint8Array {
  return chains.buildBytes({
    group,
    senders: [sender],
    client,
    blockchain,
    message: { data: new TextEncoder().encode(text) },
  });
}

export async function openFixture(options: Partial<RelayOptions> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-'));
  let server: EmbeddedPostgres | undefined;
  let bus: FileLogBus | undefined;
  let storage: HeliaContentStore | undefined;
  let database: Database | undefined;
  const close = async (): Promise<void> => {
    await bus?.close();
    await storage?.close();
    await database?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [app, stranger, sender] = await Promise.all([
      generateIdentity('modern'),
      generateIdentity('modern'),
      generateIdentity('modern'),
    ]);
    server = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres') });
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    bus = await openFileLogBus({ dir: join(dir, 'bus'), maxRecordBytes: 2 * 1024 * 1024 });
    storage = await openHeliaContentStore({ dir: join(dir, 'storage') });
    const receipts = new PostgresReceiptStore(database.receipts);
    const tenants = TenantRegistry.fromObject({
      tenants: [
        { id: TENANT, clientKeys: [toPublicKeyFile(app.public)] },
        { id: 'empty', clientKeys: [] },
      ],
    });
    const relayKey = generateRelayKey();
    const base: RelayOptions = {
      bus,
      storage,
      receipts,
      tenants,
      relayKey: relayKey.pkcs8Der,
      partitions: PARTITIONS,
      pollIntervalMs: 20,
      ...options,
    };
    const relayWith = (overrides: Partial<RelayOptions>): Promise<Relay> =>
      Relay.open({ ...base, ...overrides });
    const relay = await relayWith({});
    const openedBus: Bus = bus;
    return {
      dir,
      bus,
      storage,
      database,
      receipts,
      tenants,
      relayKey,
      relay,
      app,
      stranger,
      sender,
      relayWith,
      async busRecords() {
        const ends = await openedBus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
        return ends.reduce((sum, end) => sum + end, 0);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Collects `count` deliveries from an async iterable (bounded by the test's own timeout). */
export async function take<T>(source: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const item of source) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}
