/**
 * Checks a trusted Ergo marker against a node: the trusted minting transaction is on the best chain,
 * its first input is the box whose id is the token id (that is how Ergo names a minted token, so
 * no other transaction can ever mint it), and it mints exactly one unit (a singleton marker: one box
 * at a time holds it, ADR 0012).
 *
 * The node's extra index (`/blockchain/transaction/byId`) only locates the transaction's block; the
 * block itself is read and checked with the plain API (`/blocks/at/{h}`, `/blocks/{id}`). A node
 * without the extra index cannot locate it: RPC_ERROR (retryable: ask a node that has it).
 */
import { toBigInt } from '@anchorpost/chains/readers';
import type { ErgoNodeClient, ErgoTransactionJson } from '@anchorpost/chains/readers';
import { nodeCall } from './ergo-node-call.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import type { ErgoTrustRoot } from './trust-roots.ts';

/** Where the trusted marker was minted, as the node's best chain holds it. */
export interface VerifiedErgoMint {
  txId: string;
  height: number;
  headerId: string;
}

function untrusted(field: string, message: string): never {
  throw new ProofError(ProofErrorCode.UntrustedAnchor, field, message);
}

/** Why the extra index does not know the mint: no index, an index behind the anchor, or no such mint. */
async function mintNotFound(
  client: ErgoNodeClient,
  root: ErgoTrustRoot,
  anchorHeight: number,
  field: string,
): Promise<never> {
  const indexed = await nodeCall(() => client.indexedHeight(), field);
  if (indexed === undefined) {
    throw new ProofError(
      ProofErrorCode.RpcError,
      field,
      `the Ergo node has no extra index (/blockchain/...), needed to find the marker's minting transaction ${root.mintTxId}: use a node with extraIndex = true`,
    );
  }
  if (indexed.indexedHeight < anchorHeight) {
    throw new ProofError(
      ProofErrorCode.RpcError,
      field,
      `the Ergo node's extra index is at height ${indexed.indexedHeight}, below the anchor at ${anchorHeight}: try again later`,
    );
  }
  return untrusted(
    field,
    `the trusted minting transaction ${root.mintTxId} of ${root.tokenId} is not on the chain`,
  );
}

function mintedAmount(tx: ErgoTransactionJson, tokenId: string): bigint {
  let total = 0n;
  for (const box of tx.outputs) {
    for (const asset of box.assets) if (asset.tokenId === tokenId) total += toBigInt(asset.amount);
  }
  return total;
}

/**
 * UNTRUSTED_ANCHOR (field `<field>.tokenId`) unless `root.mintTxId` is on the best chain, spends
 * `root.tokenId` as its first input and mints one unit of it. `anchorHeight` tells a lagging index
 * from a missing mint: the mint precedes every anchor.
 */
export async function checkErgoMint(
  client: ErgoNodeClient,
  root: ErgoTrustRoot,
  anchorHeight: number,
  anchorField: string,
): Promise<VerifiedErgoMint> {
  const field = `${anchorField}.tokenId`;
  const located = await nodeCall(() => client.indexedTransaction(root.mintTxId), field);
  if (located === undefined) return mintNotFound(client, root, anchorHeight, field);
  const best = await nodeCall(() => client.bestHeaderIdAt(located.inclusionHeight), field);
  const block = best === located.blockId ? await nodeCall(() => client.block(best), field) : undefined;
  const tx = block?.blockTransactions.transactions.find((t) => t.id === root.mintTxId);
  if (tx === undefined) {
    untrusted(
      field,
      `the minting transaction ${root.mintTxId} is not in the best chain's block ${located.inclusionHeight}`,
    );
  }
  if (tx.inputs[0]?.boxId !== root.tokenId) {
    untrusted(
      field,
      `transaction ${root.mintTxId} does not mint ${root.tokenId}: its first input is box ${tx.inputs[0]?.boxId ?? 'none'}`,
    );
  }
  const minted = mintedAmount(tx, root.tokenId);
  if (minted !== 1n) {
    untrusted(
      field,
      `transaction ${root.mintTxId} mints ${minted} units of ${root.tokenId}, not the single unit of a marker`,
    );
  }
  return { txId: root.mintTxId, height: located.inclusionHeight, headerId: located.blockId };
}
