/**
 * TxFileProof v4: everything a third party needs to check, with SHA-256 and chain nodes only,
 * that a tx-file was sealed in a batch, that the batch's root is on chain — on EVM chains and
 * on Ergo — what the batch's header says (from v3: the batch-file's root block, whose CID is the
 * anchored one), and after which Ergo block it was sent (v4: the tx-file's trustedblock height
 * and block id, which the verifier finds on the chain). It is what `GET /v1/proofs/{cid}` returns
 * and what `anchorpost verify` reads. v1 (EVM anchors only), v2 (no root block) and v3 are still
 * read, but carry no trustedblock id: their lower time bound cannot be established. See the
 * package README.
 */
import type { InclusionProof } from '@anchorpost/protocol/portable';

export const TX_FILE_PROOF_VERSION = 4;
/** Versions `parseTxFileProof` reads. */
export const READABLE_PROOF_VERSIONS: readonly number[] = [1, 2, 3, 4];
/** The first version that carries `batch.rootBlock`. */
export const ROOT_BLOCK_PROOF_VERSION = 3;
/** The first version whose `timeBound.notBefore` carries the trustedblock's `blockId`. */
export const TRUSTED_BLOCK_ID_PROOF_VERSION = 4;

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
  /**
   * v3: the batch-file's root block, its DAG-CBOR bytes in canonical padded base64. It hashes to
   * `cid` (which the anchors bind to the chain), and every field above is checked against it.
   */
  rootBlock?: string;
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

/**
 * The platform's anchor on Ergo: the transaction that moved the marker token into a box carrying
 * the batch's root, CID and sequence in R4–R6 (ADR 0012).
 */
export interface ErgoAnchorProof {
  chain: 'ergo';
  /** The Ergo network: `mainnet`, `testnet` or `devnet` (a private network). */
  chainId: string;
  /** The platform's marker token id, 64 lower-case hex. */
  tokenId: string;
  txId: string;
  height: number;
  /** The id of the block header at `height` holding the transaction. */
  headerId: string;
  /** Header timestamp, RFC 3339 UTC with milliseconds. */
  blockTime: string;
  confirmations: number;
  status: ProofAnchorStatus;
}

export type AnchorProof = EvmAnchorProof | ErgoAnchorProof;

/** The tx-file's own trustedblock: an Ergo block the sender saw, and that block's time. */
export interface TrustedBlockBound {
  chain: 'ergo';
  height: number;
  /**
   * v4: the block id (64 lower-case hex) the tx-file names at `height`. The verifier requires
   * the chain to hold exactly this block there: a sender could not have named it before it was
   * mined. Absent in v1–v3, which therefore establish no lower bound.
   */
  blockId?: string;
  /** The header time of that block (v2, when the proof API reads Ergo); the lower end of the window. */
  time?: string;
}

/** The window the tx-file was sent in: [notBefore.time, notAfter]. */
export interface ProofTimeBound {
  /**
   * Sent after this block (from the tx-file's `trustedblock`); absent when the index does not
   * know it (a tx-file batched but not parsed, or a row indexed before the index kept the id).
   */
  notBefore?: TrustedBlockBound;
  /** Sent before this time: the earliest anchor's block time (any chain). */
  notAfter: string;
}

export interface TxFileProof {
  version: 1 | 2 | 3 | 4;
  /** The tx-file CID (CIDv1 base32). */
  txFile: string;
  batch: ProofBatch;
  inclusion: InclusionProof;
  /** At least one; one per chain and chain id. */
  anchors: AnchorProof[];
  timeBound: ProofTimeBound;
}
