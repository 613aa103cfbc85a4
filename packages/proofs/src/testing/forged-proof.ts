/**
 * The attack trust roots exist to stop, for tests: anyone can deploy their own copy of the anchor
 * contract (or be allowed by one), anchor a root over CIDs of their choosing, and build a proof
 * over it that every chain check accepts. Only the auditor's trust roots tell it from the
 * platform's.
 */
import { deployAnchorContract } from '@anchorpost/chains';
import type { TransactionSigner } from '@anchorpost/chains';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { MerkleTree, toBase64, toHex } from '@anchorpost/protocol';
import { TX_FILE_PROOF_VERSION } from '../tx-file-proof.ts';
import type { TxFileProof } from '../tx-file-proof.ts';
import { anchorBatch, sealed } from './proof-fixture.ts';

export interface ForgeProofOptions {
  /** Who sends the anchor. */
  readonly signer: TransactionSigner;
  /** Through which contract; default a fresh copy of AnchorpostAnchor deployed by `signer`. */
  readonly contract?: string;
  /** The tx-file CIDs of the fabricated batch, in leaf order. */
  readonly entries: readonly string[];
  /** The leaf the proof is about; default 0. */
  readonly leaf?: number;
  /** The batch sequence (a contract takes each once); default 0. */
  readonly sequence?: number;
}

/** Deploys a copy of AnchorpostAnchor whose only submitter (and owner) is `signer`. */
export async function deployLookAlike(chain: EvmTestChain, signer: TransactionSigner): Promise<string> {
  return (await deployAnchorContract(signer, { rpc: chain.rpc })).address;
}

/** Seals `entries` into a batch of its own, anchors its root as `signer` and builds the proof. */
export async function forgeProof(chain: EvmTestChain, options: ForgeProofOptions): Promise<TxFileProof> {
  const contract = options.contract ?? (await deployLookAlike(chain, options.signer));
  const sequence = options.sequence ?? 0;
  // A batch after the first names a previous one: any batch-file CID will do for a forger.
  const previous =
    sequence === 0 ? null : (await sealed('look-alike', 0, null, options.entries)).cid.toString();
  const block = await sealed('look-alike', sequence, previous, options.entries);
  const batch = {
    cid: block.cid.toString(),
    platform: 'look-alike',
    sequence,
    count: block.root.count,
    merkleRoot: toHex(block.root.merkleRoot),
    sealedAt: block.root.sealedAt,
    previous,
  };
  const anchor = await anchorBatch(chain, batch, { signer: options.signer, contract });
  const head = Number(BigInt(await chain.call<string>('eth_blockNumber')));
  return {
    version: TX_FILE_PROOF_VERSION,
    txFile: options.entries[options.leaf ?? 0]!,
    // A forger has the root block of their own batch: the header holds, only the anchor's owner does not.
    batch: { ...batch, rootBlock: toBase64(block.bytes) },
    inclusion: MerkleTree.fromCids(options.entries).proof(options.leaf ?? 0),
    anchors: [
      {
        chain: 'evm',
        chainId: String(chain.anvil.chainId),
        contract,
        ...anchor,
        confirmations: head - anchor.blockNumber + 1,
        status: 'anchored',
      },
    ],
    timeBound: { notAfter: anchor.blockTime },
  };
}
