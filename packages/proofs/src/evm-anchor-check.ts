/**
 * Checks one EVM anchor of a proof against a node's JSON-RPC, trusting nothing else: the node
 * serves the anchor's chain; the block at the anchor's height is the proof's block (still
 * canonical) with the proof's time; the transaction succeeded in that block and carries an
 * `Anchored` event of the anchor contract for exactly this batch, sent by a trusted submitter when
 * a trust root is given; and it is deep enough.
 */
import { ChainError, ChainErrorCode } from '@anchorpost/chains/readers';
import type { JsonRpcPool, RpcLog } from '@anchorpost/chains/readers';
import { decodeAnchoredEvent } from '@anchorpost/protocol/portable';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import { checkEvmSubmitter } from './trust-policy.ts';
import type { EvmTrustRoot } from './trust-roots.ts';
import type { EvmAnchorProof, ProofBatch } from './tx-file-proof.ts';

type AnchoredLog = RpcLog;

/**
 * What a verifier established about one anchor, from the chain itself: the proof's anchor fields
 * as the chain confirms them, without the assembler's status, plus the head it counted from.
 */
export type VerifiedAnchor = Omit<EvmAnchorProof, 'status'> & {
  /** head − blockNumber + 1, at verification time. */
  confirmations: number;
  head: number;
  /** The account that sent the anchor (the `Anchored` event's submitter), lower-case. */
  submitter: string;
};

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const QUANTITY_RE = /^0x[0-9a-fA-F]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(method: string, what: string): never {
  throw new ProofError(ProofErrorCode.RpcError, '-', `${method}: malformed response (${what})`);
}

function quantity(value: unknown, method: string, what: string): number {
  if (typeof value !== 'string' || !QUANTITY_RE.test(value)) malformed(method, what);
  const number = Number(BigInt(value));
  if (!Number.isSafeInteger(number)) malformed(method, `${what} is not a safe integer`);
  return number;
}

function hash(value: unknown, method: string, what: string): string {
  if (typeof value !== 'string' || !HASH_RE.test(value)) malformed(method, what);
  return value.toLowerCase();
}

function isLog(value: unknown): value is AnchoredLog {
  return (
    isRecord(value) &&
    typeof value.address === 'string' &&
    Array.isArray(value.topics) &&
    value.topics.every((topic) => typeof topic === 'string') &&
    typeof value.data === 'string' &&
    typeof value.blockNumber === 'string' &&
    typeof value.blockHash === 'string' &&
    typeof value.transactionHash === 'string' &&
    typeof value.logIndex === 'string'
  );
}

async function rpcCall(rpc: JsonRpcPool, method: string, params: readonly unknown[]): Promise<unknown> {
  try {
    return await rpc.request<unknown>(method, params);
  } catch (cause) {
    if (cause instanceof ChainError) {
      const down = cause.code === ChainErrorCode.Unavailable || cause.code === ChainErrorCode.Timeout;
      throw new ProofError(
        down ? ProofErrorCode.RpcUnavailable : ProofErrorCode.RpcError,
        '-',
        `${method}: ${cause.message}`,
        { cause },
      );
    }
    throw cause;
  }
}

export async function checkEvmAnchor(
  rpc: JsonRpcPool,
  anchor: EvmAnchorProof,
  batch: ProofBatch,
  options: { field: string; minConfirmations: number; root?: EvmTrustRoot | undefined },
): Promise<VerifiedAnchor> {
  const at = (key: string) => `${options.field}.${key}`;
  const fail = (code: ProofErrorCode, key: string, message: string): never => {
    throw new ProofError(code, at(key), message);
  };

  const chainId = quantity(await rpcCall(rpc, 'eth_chainId', []), 'eth_chainId', 'chain id');
  if (String(chainId) !== anchor.chainId) {
    fail(
      ProofErrorCode.WrongChain,
      'chainId',
      `the RPC endpoint serves chain ${chainId}, the anchor is on ${anchor.chainId}`,
    );
  }

  // The block at the anchor's height must still be the proof's block: otherwise it was reorged away.
  const block = await rpcCall(rpc, 'eth_getBlockByNumber', [`0x${anchor.blockNumber.toString(16)}`, false]);
  if (block === null) {
    fail(
      ProofErrorCode.NotCanonical,
      'blockNumber',
      `the chain has no block ${anchor.blockNumber} (any more)`,
    );
  }
  if (!isRecord(block)) malformed('eth_getBlockByNumber', 'not an object');
  const canonicalHash = hash(block.hash, 'eth_getBlockByNumber', 'hash');
  if (canonicalHash !== anchor.blockHash) {
    fail(
      ProofErrorCode.NotCanonical,
      'blockHash',
      `block ${anchor.blockNumber} is ${canonicalHash} on the canonical chain, not ${anchor.blockHash}`,
    );
  }
  const blockTime = new Date(
    quantity(block.timestamp, 'eth_getBlockByNumber', 'timestamp') * 1000,
  ).toISOString();
  if (blockTime !== anchor.blockTime) {
    fail(
      ProofErrorCode.AnchorMismatch,
      'blockTime',
      `block ${anchor.blockNumber} has time ${blockTime}, not ${anchor.blockTime}`,
    );
  }

  const receipt = await rpcCall(rpc, 'eth_getTransactionReceipt', [anchor.txHash]);
  if (receipt === null)
    fail(ProofErrorCode.AnchorNotFound, 'txHash', `the chain has no transaction ${anchor.txHash}`);
  if (!isRecord(receipt)) malformed('eth_getTransactionReceipt', 'not an object');
  if (quantity(receipt.status, 'eth_getTransactionReceipt', 'status') !== 1) {
    fail(ProofErrorCode.AnchorReverted, 'txHash', `transaction ${anchor.txHash} failed on chain (status 0)`);
  }
  const receiptBlockHash = hash(receipt.blockHash, 'eth_getTransactionReceipt', 'blockHash');
  const receiptBlockNumber = quantity(receipt.blockNumber, 'eth_getTransactionReceipt', 'blockNumber');
  if (receiptBlockNumber !== anchor.blockNumber) {
    fail(
      ProofErrorCode.AnchorMismatch,
      'blockNumber',
      `transaction ${anchor.txHash} is in block ${receiptBlockNumber}`,
    );
  }
  if (receiptBlockHash !== anchor.blockHash) {
    fail(
      ProofErrorCode.AnchorMismatch,
      'blockHash',
      `transaction ${anchor.txHash} is in block ${receiptBlockHash}`,
    );
  }

  if (!Array.isArray(receipt.logs)) malformed('eth_getTransactionReceipt', 'logs');
  const events = receipt.logs
    .filter(isLog)
    .filter((log) => log.removed !== true && log.address.toLowerCase() === anchor.contract)
    .map((log) => decodeAnchoredEvent(log.topics, log.data))
    .filter((event) => event !== undefined);
  if (events.length === 0) {
    fail(
      ProofErrorCode.AnchorNotFound,
      'contract',
      `transaction ${anchor.txHash} has no Anchored event of ${anchor.contract}`,
    );
  }
  const match = events.find(
    (event) =>
      event.root === batch.merkleRoot && event.batchCid === batch.cid && event.sequence === batch.sequence,
  );
  if (match === undefined) {
    const event = events[0]!;
    if (event.root !== batch.merkleRoot) {
      throw new ProofError(
        ProofErrorCode.AnchorMismatch,
        'batch.merkleRoot',
        `${anchor.txHash} anchors root ${event.root}, not ${batch.merkleRoot}`,
      );
    }
    if (event.batchCid !== batch.cid) {
      throw new ProofError(
        ProofErrorCode.AnchorMismatch,
        'batch.cid',
        `${anchor.txHash} anchors batch ${event.batchCid}, not ${batch.cid}`,
      );
    }
    throw new ProofError(
      ProofErrorCode.AnchorMismatch,
      'batch.sequence',
      `${anchor.txHash} anchors sequence ${event.sequence}, not ${batch.sequence}`,
    );
  }
  if (options.root !== undefined)
    checkEvmSubmitter(options.root, match.submitter, anchor.txHash, options.field);

  const head = quantity(await rpcCall(rpc, 'eth_blockNumber', []), 'eth_blockNumber', 'head');
  const confirmations = Math.max(0, head - anchor.blockNumber + 1);
  if (confirmations < options.minConfirmations) {
    fail(
      ProofErrorCode.TooFewConfirmations,
      'blockNumber',
      `${confirmations} confirmations, ${options.minConfirmations} required (try again later)`,
    );
  }
  return {
    chain: 'evm',
    chainId: anchor.chainId,
    contract: anchor.contract,
    txHash: anchor.txHash,
    blockNumber: anchor.blockNumber,
    blockHash: anchor.blockHash,
    blockTime,
    confirmations,
    head,
    submitter: match.submitter,
  };
}
