/**
 * A real end-to-end stage for proof tests (this package's, the CLI's, the proof API's): a
 * private anvil with the anchor contract, an embedded PGlite index, and batches of tx-file CIDs
 * sealed with the protocol's batch-file encoder, anchored on anvil and recorded in the index the
 * way the parser records them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAnchorCall, sendTransactionAndWait } from '@anchorpost/chains';
import type { TransactionSigner } from '@anchorpost/chains';
import { startEvmTestChain } from '@anchorpost/chains/testing';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { AnchorRecord, BatchRecord, Database, EmbeddedPostgres, TxFileRecord } from '@anchorpost/db';
import { cidForBytes, encodeBatchFile, toHex } from '@anchorpost/protocol';
import type { BatchRootBlock } from '@anchorpost/protocol';
import { parseTrustRoots } from '../trust-roots.ts';
import type { TrustRoots } from '../trust-roots.ts';

export const FIXTURE_PLATFORM = 'proof-fixture';
export const FIXTURE_TRUSTEDBLOCK_HEIGHT = 1_204_321;
/** The block id the fixture's tx-files name as their trustedblock (no chain holds it). */
export const FIXTURE_TRUSTEDBLOCK_ID = 'c0ffee'.padEnd(64, '0');

export interface FixtureBatch {
  readonly record: BatchRecord;
  /** Tx-file CIDs in leaf order. */
  readonly entries: readonly string[];
}

export interface FixtureAnchor {
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly blockTime: string;
}

/** Who sends an anchor, through which contract; default the platform's owner key and contract. */
export interface AnchorVia {
  readonly signer?: TransactionSigner;
  readonly contract?: string;
}

export interface ProofFixture {
  readonly chain: EvmTestChain;
  readonly database: Database;
  readonly chainId: string;
  readonly rpcUrl: string;
  /**
   * The platform's trust roots: its contract on this chain, anchors sent by its owner key only
   * (the contract also allows `chain.otherSubmitter`, which these roots do not trust).
   */
  readonly trustRoots: TrustRoots;
  /** Seals the next batch over `count` fresh tx-file CIDs and records it (not anchored yet). */
  /**
   * Seals and indexes a batch of `count` new tx-files. `keepRootBlock: false` indexes it as before
   * the index kept root blocks; `rootBlock` indexes other bytes as its root block (a broken index);
   * `entries`: these tx-file CIDs (real files made elsewhere) instead of `count` fresh ones.
   */
  sealBatch(
    count: number,
    index?: { keepRootBlock?: boolean; rootBlock?: Uint8Array; entries?: readonly string[] },
  ): Promise<FixtureBatch>;
  /** Puts the batch's root on anvil through the anchor contract; returns where it landed. */
  anchorOnChain(batch: FixtureBatch, via?: AnchorVia): Promise<FixtureAnchor>;
  /** Records an anchor in the index as the parser would. */
  recordAnchor(batch: FixtureBatch, anchor: FixtureAnchor, status?: AnchorRecord['status']): Promise<void>;
  /** sealBatch + anchorOnChain + recordAnchor. */
  anchoredBatch(count: number): Promise<FixtureBatch & { anchor: FixtureAnchor }>;
  head(): Promise<number>;
  close(): Promise<void>;
}

/** The batch-file over `entries`, encoded with the protocol's encoder: its root block and CID. */
export async function sealed(
  platform: string,
  sequence: number,
  previous: string | null,
  entries: readonly string[],
): Promise<BatchRootBlock> {
  const encoder = encodeBatchFile(
    { platform, sequence, previous, sealedAt: new Date().toISOString() },
    entries,
  );
  for (;;) {
    const step = await encoder.next();
    if (step.done === true) return step.value;
  }
}

/** Sends `anchor(root, cid, sequence)` and answers where it landed. */
export async function anchorBatch(
  evm: EvmTestChain,
  batch: Pick<BatchRecord, 'merkleRoot' | 'cid' | 'sequence'>,
  via: AnchorVia = {},
): Promise<FixtureAnchor> {
  const data = encodeAnchorCall(batch.merkleRoot, batch.cid, batch.sequence);
  const to = via.contract ?? evm.contractAddress;
  const receipt = await sendTransactionAndWait(evm.rpc, via.signer ?? evm.owner, { to, data });
  const block = await evm.call<{ timestamp: string }>('eth_getBlockByHash', [receipt.blockHash, false]);
  return {
    txHash: receipt.transactionHash.toLowerCase(),
    blockNumber: Number(BigInt(receipt.blockNumber)),
    blockHash: receipt.blockHash.toLowerCase(),
    blockTime: new Date(Number(BigInt(block.timestamp)) * 1000).toISOString(),
  };
}

export async function startProofFixture(): Promise<ProofFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-proofs-'));
  let postgres: EmbeddedPostgres | undefined;
  let chain: EvmTestChain | undefined;
  try {
    postgres = await startEmbeddedPostgres({ dataDir });
    await migrate(postgres.databaseUrl);
    chain = await startEvmTestChain();
  } catch (error) {
    await chain?.close();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const database = createDatabase({ databaseUrl: postgres.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  const evm = chain;
  const server = postgres;
  let sequence = 0;
  let previous: string | null = null;
  let txFiles = 0;

  const fixture: ProofFixture = {
    chain: evm,
    database,
    chainId: String(evm.anvil.chainId),
    rpcUrl: evm.anvil.rpcUrl,
    trustRoots: parseTrustRoots({
      version: 1,
      platform: FIXTURE_PLATFORM,
      evm: [
        {
          chainId: String(evm.anvil.chainId),
          contract: evm.contractAddress,
          submitters: [evm.owner.address],
        },
      ],
    }),
    async sealBatch(count, index = {}) {
      const entries: string[] = [...(index.entries ?? [])];
      for (let i = entries.length; i < count; i += 1) {
        // Distinct bytes per tx-file; the proof only sees their content addresses.
        entries.push(await cidForBytes(new TextEncoder().encode(`tx-file ${txFiles} of ${dataDir}\n`)));
        txFiles += 1;
      }
      const root = await sealed(FIXTURE_PLATFORM, sequence, previous, entries);
      const record: BatchRecord = {
        cid: root.cid.toString(),
        platform: FIXTURE_PLATFORM,
        sequence,
        previousCid: previous,
        sealedAt: root.root.sealedAt,
        merkleRoot: toHex(root.root.merkleRoot),
        count: root.root.count,
        ...(index.keepRootBlock === false ? {} : { rootBlock: index.rootBlock ?? root.bytes }),
      };
      await database.index.recordBatch(record, entries);
      const rows: TxFileRecord[] = entries.map((cid, batchIndex) => ({
        cid,
        batchSequence: sequence,
        batchIndex,
        recipientHash: 'ab'.repeat(64),
        senderHashes: ['cd'.repeat(64)],
        clientId: 'fixture-client',
        suite: 'modern',
        stateBefore: '00'.repeat(64),
        stateAfter: '11'.repeat(64),
        size: 100,
        lastblockHeight: FIXTURE_TRUSTEDBLOCK_HEIGHT + 10,
        trustedblockHeight: FIXTURE_TRUSTEDBLOCK_HEIGHT,
        trustedblockId: FIXTURE_TRUSTEDBLOCK_ID,
      }));
      await database.index.recordTxFiles(rows);
      previous = record.cid;
      sequence += 1;
      return { record, entries };
    },
    anchorOnChain: (batch, via = {}) => anchorBatch(evm, batch.record, via),
    async recordAnchor(batch, anchor, status = 'pending') {
      await database.index.recordAnchor({
        chain: 'evm',
        chainId: String(evm.anvil.chainId),
        batchCid: batch.record.cid,
        contract: evm.contractAddress,
        sequence: batch.record.sequence,
        root: batch.record.merkleRoot,
        ...anchor,
        status,
      });
    },
    async anchoredBatch(count) {
      const batch = await fixture.sealBatch(count);
      const anchor = await fixture.anchorOnChain(batch);
      await fixture.recordAnchor(batch, anchor);
      return { ...batch, anchor };
    },
    async head() {
      return Number(BigInt(await evm.call<string>('eth_blockNumber')));
    },
    async close() {
      try {
        await database.close();
        await evm.close();
        await server.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  return fixture;
}
