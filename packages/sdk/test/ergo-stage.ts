/**
 * An Ergo-anchored proof for the SDK's tests: the Ergo node TEST DOUBLE as its own process
 * (e2e/ergo-devnet's spawnErgoDevnet), a fresh anchorer's marker minted on it, and a batch of
 * three tx-file CIDs anchored there; the proof of the first, and trust roots naming the marker.
 */
import { randomBytes } from 'node:crypto';
import { ErgoWallet } from '@anchorpost/chains';
import { spawnErgoDevnet } from '@anchorpost/ergo-devnet';
import { ergoAnchoredProof, newErgoAnchorer } from '@anchorpost/proofs/testing';
import type { ErgoAnchorProof, TrustRoots, TxFileProof } from '@anchorpost/proofs';
import { cidForBytes } from '@anchorpost/protocol';
import { Mnemonic } from 'ethers';

export interface ErgoStage {
  /** The double's REST URL. */
  readonly url: string;
  readonly proof: TxFileProof;
  readonly trust: TrustRoots;
  close(): Promise<void>;
}

export async function startErgoStage(): Promise<ErgoStage> {
  const devnet = await spawnErgoDevnet(['--quiet']);
  const close = async () => {
    devnet.child.kill('SIGTERM');
    await devnet.exited;
  };
  try {
    const wallet = ErgoWallet.fromMnemonic({
      mnemonic: Mnemonic.fromEntropy(randomBytes(16)).phrase,
      network: 'testnet',
    });
    const anchorer = await newErgoAnchorer(devnet, wallet);
    const entries = await Promise.all(
      [1, 2, 3].map((i) => cidForBytes(new TextEncoder().encode(`ergo tx-file ${i} ${Date.now()}`))),
    );
    const proof = await ergoAnchoredProof(devnet, anchorer, entries);
    return { url: devnet.url, proof, trust: anchorer.trust, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `proof` with its (first, Ergo) anchor changed by `forgery`. */
export function forgedErgoAnchor(proof: TxFileProof, forgery: Partial<ErgoAnchorProof>): TxFileProof {
  const [anchor, ...rest] = proof.anchors;
  return { ...proof, anchors: [{ ...(anchor as ErgoAnchorProof), ...forgery }, ...rest] };
}
