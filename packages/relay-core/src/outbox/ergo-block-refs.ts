/**
 * The block references an outbox's tx-file names, from the Ergo chain the relay checks them
 * against: `lastblock` the tip, `trustedblock` the protocol's depth (10 blocks) below it, each with
 * its block id. A node that cannot answer, or a tip that moved away under the read, is UNAVAILABLE:
 * the file is built on the next run, never on a guessed block.
 */
import type { BlockRef } from '@anchorpost/protocol';
import type { ErgoBlockView } from '../ergo-block-view.ts';
import { OutboxError } from './outbox-error.ts';

const TRUSTED_DEPTH = 10;

export function ergoBlockRefs(
  view: ErgoBlockView,
): () => Promise<{ lastblock: BlockRef; trustedblock: BlockRef }> {
  const ref = async (height: number): Promise<BlockRef> => {
    const id = await view.blockIdAt(height);
    if (id === undefined) throw new OutboxError('UNAVAILABLE', `no Ergo block at height ${height} now`);
    return { height, signature: id };
  };
  return async () => {
    let tip: number;
    try {
      tip = await view.tipHeight();
    } catch (error) {
      throw new OutboxError('UNAVAILABLE', `the Ergo node: ${String(error)}`, { cause: error });
    }
    return { lastblock: await ref(tip), trustedblock: await ref(Math.max(0, tip - TRUSTED_DEPTH)) };
  };
}
