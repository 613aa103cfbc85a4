/**
 * A real world for the parser tests: anvil with the anchor contract (@anchorpost/chains test
 * chain), an embedded PostgreSQL (PGlite) migrated with @anchorpost/db, and a Helia content store,
 * all in temp dirs and stopped afterwards. Tx-files are real (modern suite), batch-files are
 * encoded with the protocol and anchored with the contract's own `anchor` call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deployAnchorContract,
  encodeAnchorCall,
  EvmChainReader,
  sendTransactionAndWait,
} from '@anchorpost/chains';
import { startEvmTestChain } from '@anchorpost/chains/testing';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
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
import { damageEmbeddedBlock } from '@anchorpost/storage/testing';
import type { ContentStore } from '@anchorpost/storage';
import { evmBlockHashes } from '../src/chain-block-hashes.ts';
import { Parser } from '../src/parser.ts';
import type { ParserOptions } from '../src/parser-options.ts';

export interface SentTxFile {
  cid: string;
  recipientHash: string;
  senderHashes: string[];
  stateBefore: string;
  stateAfter: string;
  clientId: string;
  size: number;
  /** The block id the file names as its trustedblock (one of its own, to tell files apart). */
  trustedblockId: string;
}

export interface SealedBatch {
  cid: string;
  root: string;
  sequence: number;
  platform: string;
  sealedAt: string;
  previous: string | null;
  txFiles: SentTxFile[];
}

export interface AnchorTx {
  txHash: string;
  blockNumber: number;
  blockHash: string;
}

export interface World {
  chain: EvmTestChain;
  store: ContentStore;
  db: Database;
  /** A fresh anchor contract per test: its own sequences, its own events. */
  deployContract(): Promise<{ address: string; blockNumber: number }>;
  /** Real tx-files added to storage (alternating recipients). */
  sendTxFiles(count: number): Promise<SentTxFile[]>;
  /** `platform`: the batch-file's platform label; default PLATFORM. */
  sealBatch(
    sequence: number,
    txFiles: SentTxFile[],
    previous?: string | null,
    platform?: string,
  ): Promise<SealedBatch>;
  anchor(contract: string, sequence: number, root: string, batchCid: string): Promise<AnchorTx>;
  parser(contract: { address: string; blockNumber: number }, options?: Partial<ParserOptions>): Parser;
  /** Flips a byte of a block in the embedded store's block database, as a failing disk would (the store is reopened). */
  damageBlock(cid: string): Promise<void>;
  close(): Promise<void>;
}

export const PLATFORM = 'anchorpost-test';

export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-parser-'));
  const stops: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const chain = await startEvmTestChain();
    stops.push(() => chain.close());
    const pg: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    stops.push(() => pg.stop());
    await migrate(pg.databaseUrl);
    const db = createDatabase({ databaseUrl: pg.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    stops.push(() => db.close());
    // Reopened by damageBlock: everything below reads `store` when it runs.
    let store = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
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

    return {
      chain,
      get store() {
        return store;
      },
      db,
      async deployContract() {
        const deployed = await deployAnchorContract(chain.owner, { rpc: chain.rpc });
        return { address: deployed.address, blockNumber: deployed.blockNumber };
      },
      async sendTxFiles(count) {
        const files: SentTxFile[] = [];
        for (let i = 0; i < count; i++) {
          const group = groups[sent % groups.length]!;
          sent += 1;
          const trustedblockId = sent.toString(16).padStart(64, 'b');
          const tx = buildTxFile({
            group,
            senders: sent % 3 === 0 ? [alice, bob] : [alice],
            client: app,
            ...(states.has(group) ? { before: states.get(group)! } : {}),
            blockchain: {
              lastblock: { height: 1000 + sent, signature: 'a'.repeat(64) },
              trustedblock: { height: 990 + sent, signature: trustedblockId },
            },
            message: { data: new TextEncoder().encode(`message ${sent}`) },
          });
          states.set(group, tx.state.after);
          const bytes = serializeTxFile(tx);
          const cid = await store.addFile(bytes, { pin: true });
          files.push({
            cid,
            recipientHash: tx.recipient.sha512hash,
            senderHashes: tx.sender.map((s) => s.sha512hash),
            stateBefore: tx.state.before,
            stateAfter: tx.state.after,
            clientId: tx.client.id,
            size: bytes.byteLength,
            trustedblockId,
          });
        }
        return files;
      },
      async sealBatch(sequence, txFiles, previous = null, platform = PLATFORM) {
        const sealedAt = new Date(Date.UTC(2026, 10, 22, 4, 0, sequence)).toISOString();
        const header = { platform, sequence, previous, sealedAt };
        let rootCid = '';
        let root = '';
        for await (const block of encodeBatchFile(
          header,
          txFiles.map((f) => f.cid),
        )) {
          await store.putBlock(block.cid, block.bytes);
          if (block.kind === 'root') {
            rootCid = block.cid.toString();
            root = toHex(block.root.merkleRoot);
          }
        }
        return { cid: rootCid, root, sequence, platform, sealedAt, previous, txFiles };
      },
      async damageBlock(cid) {
        await store.close();
        await damageEmbeddedBlock(join(dir, 'ipfs'), cid);
        store = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
      },
      async anchor(contract, sequence, root, batchCid) {
        const receipt = await sendTransactionAndWait(chain.rpc, chain.owner, {
          to: contract,
          data: encodeAnchorCall(root, batchCid, sequence),
        });
        return {
          txHash: receipt.transactionHash.toLowerCase(),
          blockNumber: Number(BigInt(receipt.blockNumber)),
          blockHash: receipt.blockHash.toLowerCase(),
        };
      },
      parser(contract, options = {}) {
        const reader = new EvmChainReader({
          rpcUrls: [chain.anvil.rpcUrl],
          chainId: chain.anvil.chainId,
          contractAddress: contract.address,
          deployBlock: contract.blockNumber,
          logPageBlocks: 5,
        });
        return new Parser({
          reader,
          blocks: evmBlockHashes(reader),
          store,
          index: db.index,
          contract: contract.address,
          startBlock: contract.blockNumber,
          storageRetry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
          ...options,
        });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
