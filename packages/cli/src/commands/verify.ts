/**
 * `anchorpost verify PROOF.json... (--trust TRUST.json | --trust-proof-claims) --evm-rpc
 * [CHAINID=]URL --ergo-node [NETWORK=]URL [--no-lower-bound] [--min-confirmations N]`: checks a
 * TxFileProof with SHA-256, the anchor chains' own nodes and the auditor's trust roots — no
 * Anchorpost server. A bare URL serves every chain of its kind in the proof (the node's chain id
 * or network is checked per anchor); `CHAINID=URL` / `NETWORK=URL` (repeatable) picks one per
 * chain. The Ergo node also establishes the lower end of the time window: the tx-file's
 * trustedblock must be on its chain. Both fail closed: without `--trust` unless
 * `--trust-proof-claims`, without a lower bound (no Ergo node, a v1–v3 proof) unless
 * `--no-lower-bound`, each given explicitly and named in the report. `--tx-file FILE --client-key
 * KEY` also checks the file's bytes and client signature (tx-file-authorship.ts), first.
 */
import { endpointsFor, isProofError, parseTrustRoots, parseTxFileProof, verifyProof } from '@anchorpost/sdk';
import type {
  ChainEndpoints,
  TrustRoots,
  TxFileProof,
  VerifiedProof,
  VerifyTxFileOptions,
} from '@anchorpost/sdk';
import { CliError, failureLine, UsageError } from '../failure.ts';
import { readJson } from '../files.ts';
import { parseCommand } from '../options.ts';
import { txFileAuthorshipOption } from './tx-file-authorship.ts';

export const VERIFY_USAGE =
  'anchorpost verify PROOF.json... (--trust TRUST.json | --trust-proof-claims) [--evm-rpc [CHAINID=]URL...] [--ergo-node [NETWORK=]URL...] [--no-lower-bound] [--min-confirmations N] [--tx-file FILE --client-key CLIENT_PUBLIC_KEY.json]';

/** `anchorpost verify --help`: what each option establishes, and what leaving it out costs. */
export const VERIFY_HELP = `usage: ${VERIFY_USAGE}

Checks TxFileProofs with SHA-256 and chain nodes of your choosing; no Anchorpost server is asked.
  --trust TRUST.json        the trust roots you accept (contract and submitters, Ergo marker and mint)
  --trust-proof-claims      instead: check anchors against the contract and token the proof names itself
  --evm-rpc [CHAINID=]URL   an EVM JSON-RPC per anchor chain (a bare URL serves every EVM anchor)
  --ergo-node [NETWORK=]URL an Ergo node: checks Ergo anchors, and establishes "sent after": the
                            tx-file's trustedblock (height and block id) must be on its best chain
  --no-lower-bound          accept a proof whose "sent after" cannot be established (no --ergo-node,
                            or a v1-v3 proof without the trustedblock id); the report then says
                            "sent after: NOT ESTABLISHED". A trustedblock that can be checked still is.
  --min-confirmations N     blocks each anchor must have, counting its own (default 1)
  --tx-file FILE --client-key CLIENT_PUBLIC_KEY.json
                            also: FILE is the proof's tx-file (its CID) and its client signed it
                            (a v0.2 signature over the file's public digest; no group secret)

Without --trust (or --trust-proof-claims) and without a lower bound (or --no-lower-bound) it
refuses: NO_TRUST_ROOTS, NO_LOWER_BOUND. Exit 0 verified, 1 a failure (one ERROR line), 2 usage.
`;

const CHAIN_URL_RE = /^([1-9][0-9]*)=(.+)$/;
const NETWORK_URL_RE = /^(mainnet|testnet|devnet)=(.+)$/;

/** `[ID=]URL` specs of one kind of chain: URLs by chain id (or Ergo network), and at most one bare URL. */
function nodeSpecs(
  specs: readonly string[],
  kind: 'evm' | 'ergo',
): { urls: Record<string, string>; fallback: string | undefined } {
  const pattern = kind === 'evm' ? CHAIN_URL_RE : NETWORK_URL_RE;
  const option = kind === 'evm' ? '--evm-rpc without CHAINID=' : '--ergo-node without NETWORK=';
  const urls: Record<string, string> = {};
  let fallback: string | undefined;
  for (const spec of specs) {
    const match = pattern.exec(spec);
    if (match) urls[match[1]!] = match[2]!;
    else if (fallback === undefined) fallback = spec;
    else throw new UsageError(`only one ${option} is allowed; usage: ${VERIFY_USAGE}`);
  }
  return { urls, fallback };
}

/** The SDK's chain endpoints from `--evm-rpc` and `--ergo-node`. */
function chainEndpoints(setup: VerifySetup): ChainEndpoints {
  const evm = nodeSpecs(setup.evm, 'evm');
  const ergo = nodeSpecs(setup.ergo, 'ergo');
  return { evm: evm.urls, evmFallback: evm.fallback, ergo: ergo.urls, ergoFallback: ergo.fallback };
}

function anchorLine(anchor: VerifiedProof['anchors'][number], minConfirmations: number): string {
  if (anchor.chain === 'ergo') {
    const mint =
      anchor.mint === undefined ? '' : ` (minted by tx ${anchor.mint.txId} in block ${anchor.mint.height})`;
    return `  anchor ergo:${anchor.chainId}: tx ${anchor.txId} moves marker token ${anchor.tokenId}${mint} into a box holding this root, batch and sequence; block ${anchor.height} ${anchor.headerId} is on the best chain, time ${anchor.blockTime}, ${anchor.confirmations} confirmations (at least ${minConfirmations} required)`;
  }
  return `  anchor evm:${anchor.chainId}: tx ${anchor.txHash} from ${anchor.submitter} succeeded with the Anchored event of ${anchor.contract} for this root, batch and sequence; block ${anchor.blockNumber} ${anchor.blockHash} is canonical, time ${anchor.blockTime}, ${anchor.confirmations} confirmations (at least ${minConfirmations} required)`;
}

function trustLine(verified: VerifiedProof, trust: VerifyTrust): string {
  if (verified.trusted === 'trust-roots' && trust !== 'proof-claims') {
    return `  trusted: every anchor is in the trust roots of ${verified.trustedPlatform ?? '?'} (${trust.path}): its contract and submitters, its marker and mint`;
  }
  return "  trusted: NOT CHECKED (--trust-proof-claims): the contract and marker token are the proof's own claims; anyone can anchor a root through a contract or token of their own";
}

function sentAfterLine(verified: VerifiedProof): string {
  const bound = verified.timeBound.notBefore;
  if (verified.lowerBound === 'on-chain' && bound !== undefined) {
    return `  sent after: ${bound.time} (the tx-file's trustedblock, Ergo block ${bound.height} ${bound.blockId}, is on the best chain)`;
  }
  return `  sent after: NOT ESTABLISHED (--no-lower-bound): ${verified.noLowerBoundReason ?? 'no trustedblock'}; the tx-file may have been written at any time before ${verified.timeBound.notAfter}`;
}

function report(
  proof: TxFileProof,
  verified: VerifiedProof,
  setup: VerifySetup,
  minConfirmations: number,
): string {
  const { batch, inclusion } = proof;
  const lines = [
    `verified tx-file ${verified.txFile}`,
    trustLine(verified, setup.trust),
    `  inclusion: leaf ${inclusion.index} of ${batch.count} in batch ${batch.cid} (sequence ${batch.sequence}), root ${batch.merkleRoot} (RFC 6962, SHA-256)`,
    ...verified.anchors.map((anchor) => anchorLine(anchor, minConfirmations)),
    `  sent before: ${verified.timeBound.notAfter} (earliest anchor block time)`,
    sentAfterLine(verified),
    verified.batchHeader === 'anchored'
      ? `  batch header: platform ${batch.platform}, sealed ${batch.sealedAt}, previous ${batch.previous ?? 'none'}, ${batch.count} tx-files — read from the batch-file's root block, which hashes to the anchored CID`
      : `  not checked: batch platform, sealedAt, previous and count beyond the Merkle tree (a v${proof.version} proof carries no root block; they are in the batch-file at the batch CID)`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `--min-confirmations` (default 1), checked as a positive integer. */
export function minConfirmationsOption(text: string | undefined, usage: string): number {
  const confirmationsText = text ?? '1';
  if (!/^[1-9][0-9]{0,8}$/.test(confirmationsText)) {
    throw new UsageError(`--min-confirmations must be a positive integer; usage: ${usage}`);
  }
  return Number(confirmationsText);
}

/** The trust roots of `--trust` (and where they were read), or the explicit `--trust-proof-claims`. */
export type VerifyTrust = { readonly roots: TrustRoots; readonly path: string } | 'proof-claims';

/** What a proof is checked against: `--evm-rpc` and `--ergo-node` specs, and the trust roots. */
export interface VerifySetup {
  readonly evm: readonly string[];
  readonly ergo: readonly string[];
  readonly trust: VerifyTrust;
  /** `--no-lower-bound`: accept a proof whose "sent after" cannot be established. */
  readonly acceptNoLowerBound: boolean;
}

/** The SDK's verify options (trust roots, chain nodes, confirmations) for the CLI's flags. */
export function verifyOptionsOf(
  setup: VerifySetup,
  minConfirmations: number,
): Omit<VerifyTxFileOptions, 'proofApi'> {
  return {
    chains: chainEndpoints(setup),
    trust: setup.trust === 'proof-claims' ? 'proof-claims' : setup.trust.roots,
    acceptNoLowerBound: setup.acceptNoLowerBound,
    minConfirmations,
  };
}

/** The proof package's errors carry a code and a field: the CLI's one line. */
function asCliError(error: unknown): unknown {
  return isProofError(error) ? new CliError(error.code, error.field, error.message) : error;
}

/**
 * `--trust FILE` read strictly, or `--trust-proof-claims`; neither fails closed naming `--trust`,
 * both are a usage mistake.
 */
export async function trustOption(
  values: { trust?: string | undefined; 'trust-proof-claims'?: boolean | undefined },
  usage: string,
): Promise<VerifyTrust> {
  const path = values.trust;
  if (path !== undefined && values['trust-proof-claims'] === true) {
    throw new UsageError(`--trust and --trust-proof-claims exclude each other; usage: ${usage}`);
  }
  if (values['trust-proof-claims'] === true) return 'proof-claims';
  if (path === undefined) {
    throw new UsageError(
      `--trust TRUST.json is required: the trust roots you accept (the platform publishes its own at GET /v1/trust-roots and in trust.json; check them once, out of band). --trust-proof-claims checks only against the contract and token the proof names itself; usage: ${usage}`,
    );
  }
  const json = await readJson(path, 'trust');
  try {
    return { roots: parseTrustRoots(json), path };
  } catch (error) {
    throw asCliError(error);
  }
}

/**
 * Parses and verifies a TxFileProof (JSON value) against the chain nodes and trust roots given; a
 * failure is one CliError with the proof package's code and field.
 */
export async function verifiedProof(
  value: unknown,
  setup: VerifySetup,
  minConfirmations: number,
): Promise<{ proof: TxFileProof; verified: VerifiedProof }> {
  try {
    const proof = parseTxFileProof(value);
    const verified = await verifyProof(proof, {
      ...endpointsFor(proof, chainEndpoints(setup)),
      ...(setup.trust === 'proof-claims' ? { trustProofClaims: true } : { trust: setup.trust.roots }),
      acceptNoLowerBound: setup.acceptNoLowerBound,
      minConfirmations,
    });
    return { proof, verified };
  } catch (error) {
    throw asCliError(error);
  }
}

/** Verifies a TxFileProof (JSON value) as {@link verifiedProof} does and answers the report. */
export async function verifyProofReport(
  value: unknown,
  setup: VerifySetup,
  minConfirmations: number,
): Promise<string> {
  const { proof, verified } = await verifiedProof(value, setup, minConfirmations);
  return report(proof, verified, setup, minConfirmations);
}

export async function verifyCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const { values, positionals } = parseCommand(
    args,
    {
      'evm-rpc': { type: 'string', multiple: true },
      'ergo-node': { type: 'string', multiple: true },
      'min-confirmations': { type: 'string' },
      trust: { type: 'string' },
      'trust-proof-claims': { type: 'boolean' },
      'no-lower-bound': { type: 'boolean' },
      'tx-file': { type: 'string' },
      'client-key': { type: 'string' },
    },
    VERIFY_USAGE,
  );
  if (positionals.length === 0) throw new UsageError(`usage: ${VERIFY_USAGE}`);
  const evm = values['evm-rpc'] ?? [];
  const ergo = values['ergo-node'] ?? [];
  if (evm.length === 0 && ergo.length === 0)
    throw new UsageError(`--evm-rpc or --ergo-node is required; usage: ${VERIFY_USAGE}`);
  const minConfirmations = minConfirmationsOption(values['min-confirmations'], VERIFY_USAGE);
  const specs: VerifySetup = {
    evm,
    ergo,
    trust: await trustOption(values, VERIFY_USAGE),
    acceptNoLowerBound: values['no-lower-bound'] === true,
  };
  // The tx-file's bytes and signature first: hashes and the suite alone, before any node is asked.
  const authorship = await txFileAuthorshipOption(values, positionals, VERIFY_USAGE);
  if (positionals.length === 1) {
    process.stdout.write(
      await verifyProofReport(await readJson(positionals[0]!, 'proof'), specs, minConfirmations),
    );
    process.stdout.write(authorship);
    return 0;
  }
  // Several proofs: each is reported (or its failure line, naming the file, printed); the exit
  // code is 1 when any one fails, so a script can check a whole folder in one call.
  let failed = 0;
  for (const path of positionals) {
    try {
      process.stdout.write(await verifyProofReport(await readJson(path, 'proof'), specs, minConfirmations));
    } catch (error) {
      failed += 1;
      process.stderr.write(`${failureLine(error).line} (${path})\n`);
    }
  }
  if (failed > 0) process.stderr.write(`${failed} of ${positionals.length} proofs failed\n`);
  return failed > 0 ? 1 : 0;
}
