/**
 * Verifies a TxFileProof trusting nothing but SHA-256, each EVM anchor chain's JSON-RPC, an Ergo
 * node's REST API and the caller's own trust roots (whose contract, submitters and marker token
 * count): no Anchorpost server is asked anything. Throws a ProofError whose code names what failed.
 * Both ends of the time window fail closed: without trust roots (NO_TRUST_ROOTS) and without a
 * lower bound checked on the chain (NO_LOWER_BOUND), unless the caller explicitly accepts less.
 */
import { ErgoNodeClient, JsonRpcPool } from '@anchorpost/chains/readers';
import { isProtocolError, verifyInclusionProofWeb } from '@anchorpost/protocol/portable';
import { checkBatchHeader } from './batch-header-check.ts';
import { checkEvmAnchor } from './evm-anchor-check.ts';
import type { VerifiedAnchor } from './evm-anchor-check.ts';
import { checkErgoAnchor } from './ergo-anchor-check.ts';
import type { VerifiedErgoAnchor } from './ergo-anchor-check.ts';
import { checkErgoMint } from './ergo-mint-check.ts';
import { parseTxFileProof } from './parse-tx-file-proof.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import { checkLowerBound, lowerBoundPlan } from './trusted-block-check.ts';
import { ergoTrustRootOf, evmTrustRootOf } from './trust-policy.ts';
import { parseTrustRoots } from './trust-roots.ts';
import type { TrustRoots } from './trust-roots.ts';
import type { ErgoAnchorProof, EvmAnchorProof, ProofBatch, TxFileProof } from './tx-file-proof.ts';

export interface VerifyProofOptions {
  /** One JSON-RPC URL per decimal EVM chain id; every anchor's chain needs one. */
  evmRpcUrls: Readonly<Record<string, string>>;
  /** An Ergo node (or explorer-compatible node API) URL per network (`mainnet`, `testnet`, `devnet`). */
  ergoNodeUrls?: Readonly<Record<string, string>>;
  /**
   * The anchors the caller accepts, chosen by the caller — never taken from the proof. Every
   * anchor must fall under them (else UNTRUSTED_ANCHOR). Required unless `trustProofClaims`.
   */
  trust?: TrustRoots;
  /**
   * Check each anchor against the contract and marker token the proof names itself. That shows
   * only that someone anchored the root, not that the platform did: the result says
   * `trusted: 'proof-claims'`. Never together with `trust`.
   */
  trustProofClaims?: boolean;
  /**
   * Accept a proof whose lower time bound ("sent after") cannot be established — a v1–v3 proof,
   * one without `timeBound.notBefore`, or no Ergo node given: the result then says
   * `lowerBound: 'not-established'`. Without it such a proof is NO_LOWER_BOUND. A trustedblock
   * that can be checked is checked either way (TRUSTEDBLOCK_NOT_ON_CHAIN).
   */
  acceptNoLowerBound?: boolean;
  /** Blocks (counting the anchor's own) each anchor must have; default 1. */
  minConfirmations?: number;
  /** Per RPC request; default 10 s. */
  rpcTimeoutMs?: number;
  observer?: VerifyProofObserver;
}

export interface VerifyProofObserver {
  /** `outcome` is 'ok' or the ProofError code. */
  proofVerified?(event: { outcome: string; ms: number }): void;
}

export interface VerifiedProof {
  ok: true;
  /**
   * 'trust-roots': every anchor is one the caller's trust roots name, sent by a trusted submitter
   * (EVM) or holding a trusted marker minted as trusted (Ergo). 'proof-claims': the anchors are
   * real, but whose they are was taken from the proof itself.
   */
  trusted: 'trust-roots' | 'proof-claims';
  /** The `platform` of the trust roots, with 'trust-roots'. */
  trustedPlatform?: string;
  txFile: string;
  batch: { cid: string; sequence: number; merkleRoot: string; count: number };
  /**
   * 'anchored' (v3): the batch's header fields were read from its root block, whose CID the
   * anchors bind to the chain. 'unchecked' (v1, v2): `count`, `platform`, `previous` and
   * `sealedAt` are the proof's word (the tree size only as far as the path pins it).
   */
  batchHeader: 'anchored' | 'unchecked';
  /** The leaf index the Merkle path was checked for. */
  index: number;
  anchors: (VerifiedAnchor | VerifiedErgoAnchor)[];
  /**
   * 'on-chain': the Ergo node's best chain holds the tx-file's trustedblock (the proof's height
   * and block id), and `timeBound.notBefore.time` is that block's time. 'not-established' (only
   * with `acceptNoLowerBound`): there is no lower bound; `noLowerBoundReason` says why.
   */
  lowerBound: 'on-chain' | 'not-established';
  noLowerBoundReason?: string;
  /** The window the tx-file was sent in: after `notBefore` (when established), before `notAfter`. */
  timeBound: {
    notBefore?: { height: number; blockId: string; time: string };
    notAfter: string;
  };
}

/** The checked options; `trust` undefined means the caller asked to trust the proof's claims. */
interface Checks {
  minConfirmations: number;
  timeoutMs: number;
  trust: TrustRoots | undefined;
  acceptNoLowerBound: boolean;
}

function checkOptions(options: VerifyProofOptions): Checks {
  const minConfirmations = options.minConfirmations ?? 1;
  if (!Number.isSafeInteger(minConfirmations) || minConfirmations < 1) {
    throw new ProofError(ProofErrorCode.InvalidOptions, 'minConfirmations', 'expected an integer >= 1');
  }
  const timeoutMs = options.rpcTimeoutMs ?? 10_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new ProofError(ProofErrorCode.InvalidOptions, 'rpcTimeoutMs', 'expected a positive integer');
  }
  if (options.acceptNoLowerBound !== undefined && typeof options.acceptNoLowerBound !== 'boolean') {
    throw new ProofError(ProofErrorCode.InvalidOptions, 'acceptNoLowerBound', 'expected a boolean');
  }
  return {
    minConfirmations,
    timeoutMs,
    trust: trustOption(options),
    acceptNoLowerBound: options.acceptNoLowerBound === true,
  };
}

/** Fails closed: trust roots, or an explicit `trustProofClaims`, never neither nor both. */
function trustOption(options: VerifyProofOptions): TrustRoots | undefined {
  if (options.trust !== undefined && options.trustProofClaims === true) {
    throw new ProofError(
      ProofErrorCode.InvalidOptions,
      'trustProofClaims',
      'give trust roots or trustProofClaims, not both',
    );
  }
  // Re-read even typed input: it may come from a hand-written file.
  if (options.trust !== undefined) return parseTrustRoots(options.trust);
  if (options.trustProofClaims === true) return undefined;
  throw new ProofError(
    ProofErrorCode.NoTrustRoots,
    'trust',
    "no trust roots: whose contract and marker token count is the verifier's choice (the platform publishes its own at GET /v1/trust-roots); pass trustProofClaims: true to trust the proof's own",
  );
}

async function checkInclusion(proof: TxFileProof): Promise<void> {
  const { batch, inclusion } = proof;
  if (inclusion.leaf !== proof.txFile) {
    throw new ProofError(
      ProofErrorCode.WrongLeaf,
      'inclusion.leaf',
      `the inclusion proof is for ${inclusion.leaf}, not ${proof.txFile}`,
    );
  }
  // The root and the tree size come from the batch, which the anchors bind to the chain (and,
  // from v3, its root block: a path alone does not pin the tree size).
  if (inclusion.treeSize !== batch.count) {
    throw new ProofError(
      ProofErrorCode.BadInclusion,
      'inclusion.treeSize',
      `the inclusion proof is for a tree of ${inclusion.treeSize} leaves, the batch has ${batch.count}`,
    );
  }
  try {
    await verifyInclusionProofWeb(inclusion, { root: batch.merkleRoot, treeSize: batch.count });
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new ProofError(ProofErrorCode.BadInclusion, `inclusion.${cause.field}`, cause.message, { cause });
  }
}

/**
 * What SHA-256 alone establishes, before any node is asked: the root block hashes to the batch CID
 * the anchors name and its header is the proof's (v3+), and the Merkle path leads from the tx-file
 * to the batch's root. Throws the ProofError verifyProof would.
 */
export async function verifyProofContents(proof: TxFileProof): Promise<void> {
  const { rootBlock } = proof.batch;
  if (rootBlock !== undefined) await checkBatchHeader({ ...proof.batch, rootBlock });
  await checkInclusion(proof);
}

async function verify(json: unknown, options: VerifyProofOptions): Promise<VerifiedProof> {
  const checks = checkOptions(options);
  // Re-read even typed input: proofs come from untrusted JSON.
  const proof: TxFileProof = parseTxFileProof(json);
  // Before any node is asked: a lower bound that cannot be established fails closed here.
  const lowerBound = lowerBoundPlan(proof, options.ergoNodeUrls, checks.acceptNoLowerBound);
  const { rootBlock } = proof.batch;
  await verifyProofContents(proof);
  const anchors: (VerifiedAnchor | VerifiedErgoAnchor)[] = [];
  for (const [i, anchor] of proof.anchors.entries()) {
    const field = `anchors[${i}]`;
    anchors.push(
      anchor.chain === 'ergo'
        ? await verifyErgoAnchor(anchor, proof.batch, field, options, checks)
        : await verifyEvmAnchor(anchor, proof.batch, field, options, checks),
    );
  }
  const notAfter = anchors.map((anchor) => anchor.blockTime).sort()[0]!;
  const { batch } = proof;
  return {
    ok: true,
    ...(checks.trust === undefined
      ? { trusted: 'proof-claims' as const }
      : { trusted: 'trust-roots' as const, trustedPlatform: checks.trust.platform }),
    txFile: proof.txFile,
    batch: { cid: batch.cid, sequence: batch.sequence, merkleRoot: batch.merkleRoot, count: batch.count },
    batchHeader: rootBlock === undefined ? 'unchecked' : 'anchored',
    index: proof.inclusion.index,
    anchors,
    ...(await checkLowerBound(lowerBound, notAfter, (network, field) =>
      ergoClient(options, network, field, checks.timeoutMs),
    )),
  };
}

/** The trust root first (no node asked for an untrusted contract), then the chain. */
async function verifyEvmAnchor(
  anchor: EvmAnchorProof,
  batch: ProofBatch,
  field: string,
  options: VerifyProofOptions,
  checks: Checks,
): Promise<VerifiedAnchor> {
  const root = checks.trust === undefined ? undefined : evmTrustRootOf(checks.trust, anchor, field);
  const url = options.evmRpcUrls[anchor.chainId];
  if (url === undefined) {
    throw new ProofError(
      ProofErrorCode.NoRpcUrl,
      `${field}.chainId`,
      `no RPC URL given for EVM chain ${anchor.chainId}`,
    );
  }
  let rpc: JsonRpcPool;
  try {
    rpc = new JsonRpcPool({ urls: [url], timeoutMs: checks.timeoutMs });
  } catch (cause) {
    throw new ProofError(
      ProofErrorCode.InvalidOptions,
      `evmRpcUrls.${anchor.chainId}`,
      (cause as Error).message,
      {
        cause,
      },
    );
  }
  return checkEvmAnchor(rpc, anchor, batch, {
    field,
    minConfirmations: checks.minConfirmations,
    root,
  });
}

/** The trusted marker first, then its mint, then the anchor itself. */
async function verifyErgoAnchor(
  anchor: ErgoAnchorProof,
  batch: ProofBatch,
  field: string,
  options: VerifyProofOptions,
  checks: Checks,
): Promise<VerifiedErgoAnchor> {
  const root = checks.trust === undefined ? undefined : ergoTrustRootOf(checks.trust, anchor, field);
  const client = ergoClient(options, anchor.chainId, `${field}.chainId`, checks.timeoutMs);
  const mint = root === undefined ? undefined : await checkErgoMint(client, root, anchor.height, field);
  const verified = await checkErgoAnchor(client, anchor, batch, {
    field,
    minConfirmations: checks.minConfirmations,
  });
  return mint === undefined ? verified : { ...verified, mint };
}

/** The Ergo node for `network`, or NO_RPC_URL. */
function ergoClient(
  options: VerifyProofOptions,
  network: string,
  field: string,
  timeoutMs: number,
): ErgoNodeClient {
  const url = options.ergoNodeUrls?.[network];
  if (url === undefined) {
    throw new ProofError(ProofErrorCode.NoRpcUrl, field, `no Ergo node URL given for ${network}`);
  }
  try {
    return new ErgoNodeClient({ urls: [url], timeoutMs, retries: 1 });
  } catch (cause) {
    throw new ProofError(ProofErrorCode.InvalidOptions, `ergoNodeUrls.${network}`, (cause as Error).message, {
      cause,
    });
  }
}

/** Checks the proof (parsed JSON, JSON text or a TxFileProof); resolves only when every check passes. */
export async function verifyProof(proof: unknown, options: VerifyProofOptions): Promise<VerifiedProof> {
  const started = performance.now();
  try {
    const verified = await verify(proof, options);
    options.observer?.proofVerified?.({ outcome: 'ok', ms: performance.now() - started });
    return verified;
  } catch (error) {
    const outcome = error instanceof ProofError ? error.code : 'INTERNAL';
    options.observer?.proofVerified?.({ outcome, ms: performance.now() - started });
    throw error;
  }
}
