/**
 * What the parser needs beyond the ChainReader port: the canonical hash of a block by number, to
 * store with its cursor and to notice a reorg below it. (ChainReader has no such call yet; when it
 * gains one, this interface folds into it.)
 */
import type { EvmChainReader } from '@anchorpost/chains';

export interface ChainBlockHashes {
  /** The canonical block hash at `number` (lower-case), or undefined above the head. */
  blockHash(number: number): Promise<string | undefined>;
}

/** ChainBlockHashes over an EvmChainReader's own RPC pool. */
export function evmBlockHashes(reader: Pick<EvmChainReader, 'blockByNumber'>): ChainBlockHashes {
  return {
    async blockHash(number) {
      const block = await reader.blockByNumber(number);
      return block === null ? undefined : block.hash.toLowerCase();
    },
  };
}
