/**
 * A real world for the parser service: anvil with the anchor contract, PGlite migrated with
 * @anchorpost/db, Helia in a temp dir. Tx-files are real (modern suite), batch-files are encoded
 * with the protocol into Helia and anchored with the contract's own `anchor` call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAnchorCall, sendTransactionAndWait } from '@anchorpost/chains';
import { startEvmTestChain } from '@anchorpost/chains/testing';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database } from '@anchorpost/db';
import {
  buildTxFile,
  createGroup,
  encodeBatchFile,
  generateIdentity,
  serializeTxFile,
  toHex,
} from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { openHeliaContentStore } from '@anchorpost/storage';
import type { ContentStore } from '@anchorpost/storage';
import type { ParserEvmOptions } from '../src/evm-parser.ts';

export interface SentTxFile {
  cid: string;
  bytes: Uint8Array;
  recipientHash: string;
  senderHashes: string[];
}

export interface SealedBatch {
  cid: string;
  root: string;
  sequence: number;
  txFiles: SentTxFile[];
}

export interface World {
  chain: EvmTestChain;
  store: ContentStore;
  database: Database;
  evm: ParserEvmOptions;
  /** Real tx-files added to storage (two recipients, alternating). */
  sendTxFiles(count: number): Promise<SentTxFile[]>;
  /** Encodes the next batch-file over `txFiles` into storage and anchors it on anvil. */
  sealAndAnchor(txFiles: SentTxFile[]): Promise<SealedBatch>;
  /** Puts a batch root on anvil with the contract's own `anchor` call. */
  anchor(root: string, batchCid: string, sequence: number): Promise<void>;
  mine(blocks: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-parser-service-'));
  const stops: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const chain = await startEvmTestChain();
    stops.push(() => chain.close());
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    stops.push(() => pg.stop());
    await migrate(pg.databaseUrl);
    const database = createDatabase({ databaseUrl: pg.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    stops.push(() => database.close());
    const store = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
    stops.push(() => store.close());

    const [alice, bob, app] = (await Promise.all([0, 1, 2].map(() => generateIdentity('modern')))) as [
      PrivateIdentity,
      PrivateIdentity,
      PrivateIdentity,
    ];
    const groups: GroupKeys[] = [
      (await createGroup('modern', [alice.public, bob.public])).keys,
      (await createGroup('modern', [bob.public])).keys,
    ];
    const states = new Map<GroupKeys, string>();
    let sent = 0;
    let sequence = 0;
    let previous: string | null = null;
    const anchor = async (root: string, batchCid: string, batchSequence: number): Promise<void> => {
      await sendTransactionAndWait(chain.rpc, chain.owner, {
        to: chain.contractAddress,
        data: encodeAnchorCall(root, batchCid, batchSequence),
      });
    };

    return {
      chain,
      store,
      database,
      evm: {
        rpcUrls: [chain.anvil.rpcUrl],
        chainId: chain.anvil.chainId,
        contractAddress: chain.contractAddress,
        deployBlock: chain.deployBlock,
        logPageBlocks: 5,
      },
      async sendTxFiles(count) {
        const files: SentTxFile[] = [];
        for (let i = 0; i < count; i++) {
          const group = groups[sent % groups.length]!;
          sent += 1;
          const tx = buildTxFile({
            group,
            senders: [alice],
            client: app,
            ...(states.has(group) ? { before: states.get(group)! } : {}),
            blockchain: {
              lastblock: { height: 1000 + sent, signature: 'a'.repeat(64) },
              trustedblock: { height: 990 + sent, signature: 'b'.repeat(64) },
            },
            message: { data: new TextEncoder().encode(`message ${sent}`) },
          });
          states.set(group, tx.state.after);
          const bytes = serializeTxFile(tx);
          const cid = await store.addFile(bytes, { pin: true });
          files.push({
            cid,
            bytes,
            recipientHash: tx.recipient.sha512hash,
            senderHashes: tx.sender.map((s) => s.sha512hash),
          });
        }
        return files;
      },
      async sealAndAnchor(txFiles) {
        const header = {
          platform: 'parser-service-test',
          sequence,
          previous,
          sealedAt: new Date().toISOString(),
        };
        let cid = '';
        let root = '';
        for await (const block of encodeBatchFile(
          header,
          txFiles.map((f) => f.cid),
        )) {
          await store.putBlock(block.cid, block.bytes);
          if (block.kind === 'root') {
            cid = block.cid.toString();
            root = toHex(block.root.merkleRoot);
          }
        }
        await anchor(root, cid, sequence);
        const batch = { cid, root, sequence, txFiles };
        previous = cid;
        sequence += 1;
        return batch;
      },
      anchor,
      async mine(blocks) {
        await chain.call('anvil_mine', [`0x${blocks.toString(16)}`]);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
