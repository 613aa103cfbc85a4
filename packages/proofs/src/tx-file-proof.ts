/**
 * TxFileProof v1: everything a third party needs to check, with SHA-256 and a chain node only,
 * that a tx-file was sealed in a batch and that the batch's root is on chain. It is what
 * `GET /v1/proofs/{cid}` returns and what `anchorpost verify` reads. See the package README.
 */
import type { InclusionProof } from '@anchorpost/protocol';

export const TX_FILE_PROOF_VERSION = 1;

/**
 * pending: submitted, not yet in a block (reserved: the index only holds mined anchors);
 * anchored: in a canonical block, not yet at the trusted depth; final: at or below it.
 */
export type ProofAnchorStatus = 'pending' | 'anchored' | 'final';

export interface ProofBatch {
  /** The batch-file's root block CID, as anchored. */
  cid: string;
  platform: string;
  sequence: number;
  /** Number of leaves: the tree size the inclusion proof must be about. */
  count: number;
  /** RFC 6962 root, 64 lower-case hex. */
  merkleRoot: string;
  /** RFC 3339 UTC with milliseconds. */
  sealedAt: string;
  /** CID of the previous batch; null for sequence 0. */
  previous: string | null;
}

export interface EvmAnchorProof {
  chain: 'evm';
  /** Decimal EIP-155 chain id. */
  chainId: string;
  /** Anchor contract address, lower-case 0x-hex. */
  contract: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  /** Block timestamp, RFC 3339 UTC with milliseconds. */
  blockTime: string;
  /** head − blockNumber + 1 when the proof was assembled (a verifier recomputes it). */
  confirmations: number;
  status: ProofAnchorStatus;
}

/** The tx-file's own trustedblock: an Ergo height the sender saw; its time is not indexed yet. */
export interface TrustedBlockBound {
  chain: 'ergo';
  height: number;
}

export interface ProofTimeBound {
  /** Sent after this block (from the tx-file's `trustedblock`); absent when unknown to the index. */
  notBefore?: TrustedBlockBound;
  /** Sent before this time: the earliest anchor's block time. */
  notAfter: string;
}

export interface TxFileProof {
  version: typeof TX_FILE_PROOF_VERSION;
  /** The tx-file CID (CIDv1 base32). */
  txFile: string;
  batch: ProofBatch;
  inclusion: InclusionProof;
  /** At least one; one per chain id. */
  anchors: EvmAnchorProof[];
  timeBound: ProofTimeBound;
}
