/**
 * The batch header of a v3 proof: the batch-file's root block travels in the proof, its CID must
 * be `batch.cid` (the CID the anchors bind to the chain), and every header field of the proof is
 * read back from it. So `count` (the tree size), `merkleRoot`, `previous`, `sealedAt`, `platform`
 * and `sequence` are the anchored batch's, not the proof's word. SHA-256 and the protocol's
 * strict decoder only; no node is asked.
 */
import {
  dagCborCidWeb,
  decodeBatchRoot,
  fromBase64,
  isProtocolError,
  toHex,
} from '@anchorpost/protocol/portable';
import type { BatchRoot } from '@anchorpost/protocol/portable';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import type { ProofBatch } from './tx-file-proof.ts';

function mismatch(field: string, message: string, cause?: unknown): ProofError {
  return new ProofError(
    ProofErrorCode.BatchHeaderMismatch,
    field,
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** The header fields in the proof's spelling (hex root, CID text). */
function headerFields(root: BatchRoot): Omit<ProofBatch, 'cid' | 'rootBlock'> {
  return {
    platform: root.platform,
    sequence: root.sequence,
    count: root.count,
    merkleRoot: toHex(root.merkleRoot),
    sealedAt: root.sealedAt,
    previous: root.previous === null ? null : root.previous.toString(),
  };
}

const FIELDS = ['platform', 'sequence', 'count', 'merkleRoot', 'sealedAt', 'previous'] as const;

/**
 * Checks `batch.rootBlock` against `batch.cid` and the other `batch` fields; returns the decoded
 * root. BATCH_HEADER_MISMATCH names the field that differs.
 */
export async function checkBatchHeader(batch: ProofBatch & { rootBlock: string }): Promise<BatchRoot> {
  const bytes = fromBase64(batch.rootBlock, 'batch.rootBlock');
  const cid = (await dagCborCidWeb(bytes)).toString();
  if (cid !== batch.cid) {
    throw mismatch(
      'batch.rootBlock',
      `the root block hashes to ${cid}, not to the batch ${batch.cid} the anchors name`,
    );
  }
  let root: BatchRoot;
  try {
    root = decodeBatchRoot(bytes);
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    const field = cause.field === '-' ? 'batch.rootBlock' : `batch.rootBlock.${cause.field}`;
    throw mismatch(field, `the root block is no batch-file root: ${cause.message}`, cause);
  }
  const header = headerFields(root);
  for (const key of FIELDS) {
    if (header[key] !== batch[key]) {
      throw mismatch(
        `batch.${key}`,
        `the proof says ${JSON.stringify(batch[key])}, the batch-file's root block ${JSON.stringify(header[key])}`,
      );
    }
  }
  return root;
}
