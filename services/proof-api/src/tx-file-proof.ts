/**
 * One tx-file's proof as the proof API serves it, for `GET /v1/proofs/{cid}` and every route that
 * carries proofs: the TxFileProof assembled from the index (`assembleProof` of @anchorpost/proofs,
 * confirmations counted from the served chains' heads), or where it stands when it has none yet —
 * sealed in a batch whose anchor is not indexed, or only accepted by the relay — or unknown.
 */
import { assembleProof, isProofError, ProofErrorCode } from '@anchorpost/proofs';
import type { BatchHeaderCache, TxFileProof } from '@anchorpost/proofs';
import { ProofApiError } from './proof-api-error.ts';
import type { ProofApiRouteDeps } from './proof-api-routes.ts';

export interface PendingProof {
  cid: string;
  status: 'pending';
  stage: 'accepted' | 'sealed';
}

export type ServedProof =
  | { readonly status: 200; readonly proof: TxFileProof }
  | { readonly status: 202; readonly proof: PendingProof }
  | { readonly status: 404 };

export async function servedProof(
  deps: ProofApiRouteDeps,
  batchHeaderCache: BatchHeaderCache,
  cid: string,
): Promise<ServedProof> {
  const { head, ergoHead } = deps;
  try {
    const proof = await assembleProof(deps.database.index, cid, {
      head: (chain, chainId) => {
        if (chain === 'ergo' && ergoHead !== undefined && chainId === ergoHead.network) {
          return ergoHead.current();
        }
        if (chain !== 'evm' || chainId !== head.chainId) {
          throw new ProofApiError(
            'CHAIN_NOT_SERVED',
            `batch of ${cid} is anchored on ${chain}:${chainId}, which this instance does not serve`,
          );
        }
        return head.current();
      },
      ...(ergoHead === undefined
        ? {}
        : { ergoBlockTime: (height: number, blockId: string) => ergoHead.blockTime(height, blockId) }),
      observer: deps.observer,
      batchHeaderCache,
    });
    return { status: 200, proof };
  } catch (error) {
    if (!isProofError(error) || error.code !== ProofErrorCode.NotFound) throw error;
    // Sealed in an indexed batch whose anchor is not indexed yet.
    if (error.field === 'anchors') return { status: 202, proof: { cid, status: 'pending', stage: 'sealed' } };
  }
  if ((await deps.receipts.getReceipt(cid)) !== null) {
    return { status: 202, proof: { cid, status: 'pending', stage: 'accepted' } };
  }
  return { status: 404 };
}
