/**
 * Which trust root an anchor falls under — pure, no chain asked. An anchor whose chain, contract
 * or marker token is not in the auditor's roots is refused before any node is queried; the
 * submitter (EVM) and the mint (Ergo) are checked against the chain by the anchor checks.
 */
import { ProofError, ProofErrorCode } from './proof-error.ts';
import type { ErgoTrustRoot, EvmTrustRoot, TrustRoots } from './trust-roots.ts';
import type { ErgoAnchorProof, EvmAnchorProof } from './tx-file-proof.ts';

function untrusted(field: string, message: string): never {
  throw new ProofError(ProofErrorCode.UntrustedAnchor, field, message);
}

/** The trusted contract of the anchor's chain; UNTRUSTED_ANCHOR naming `chainId` or `contract`. */
export function evmTrustRootOf(trust: TrustRoots, anchor: EvmAnchorProof, field: string): EvmTrustRoot {
  const onChain = trust.evm.filter((root) => root.chainId === anchor.chainId);
  if (onChain.length === 0) {
    untrusted(
      `${field}.chainId`,
      `the trust roots of ${trust.platform} hold no contract on EVM chain ${anchor.chainId}`,
    );
  }
  const root = onChain.find((r) => r.contract === anchor.contract);
  if (root === undefined) {
    untrusted(
      `${field}.contract`,
      `contract ${anchor.contract} is not in the trust roots of ${trust.platform} (trusted on chain ${anchor.chainId}: ${onChain.map((r) => r.contract).join(', ')})`,
    );
  }
  return root;
}

/** UNTRUSTED_ANCHOR (field `txHash`) unless `submitter` is one of the root's submitters. */
export function checkEvmSubmitter(
  root: EvmTrustRoot,
  submitter: string,
  txHash: string,
  field: string,
): void {
  if (root.submitters.includes(submitter.toLowerCase())) return;
  untrusted(
    `${field}.txHash`,
    `${txHash} was anchored by ${submitter}, which is no trusted submitter of ${root.contract} (trusted: ${root.submitters.join(', ')})`,
  );
}

/** The trusted marker of the anchor's network; UNTRUSTED_ANCHOR naming `chainId` or `tokenId`. */
export function ergoTrustRootOf(trust: TrustRoots, anchor: ErgoAnchorProof, field: string): ErgoTrustRoot {
  const onNetwork = trust.ergo.filter((root) => root.network === anchor.chainId);
  if (onNetwork.length === 0) {
    untrusted(
      `${field}.chainId`,
      `the trust roots of ${trust.platform} hold no marker token on Ergo ${anchor.chainId}`,
    );
  }
  const root = onNetwork.find((r) => r.tokenId === anchor.tokenId);
  if (root === undefined) {
    untrusted(
      `${field}.tokenId`,
      `marker token ${anchor.tokenId} is not in the trust roots of ${trust.platform} (trusted on ${anchor.chainId}: ${onNetwork.map((r) => r.tokenId).join(', ')})`,
    );
  }
  return root;
}
