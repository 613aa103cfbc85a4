/**
 * `anchorpost verify PROOF.json --evm-rpc [CHAINID=]URL --ergo-node [NETWORK=]URL
 * [--min-confirmations N]`: checks a TxFileProof with SHA-256 and the anchor chains' own nodes —
 * no Anchorpost server. A bare URL serves every chain of its kind in the proof (the node's chain
 * id or network is checked per anchor); `CHAINID=URL` / `NETWORK=URL` (repeatable) picks one per
 * chain. An Ergo node also checks the lower end of the time window (the trusted block's time).
 */
import { isProofError, parseTxFileProof, verifyProof } from '@anchorpost/proofs';
import type { TxFileProof, VerifiedProof } from '@anchorpost/proofs';
import { CliError, failureLine, UsageError } from '../failure.ts';
import { readJson } from '../files.ts';
import { parseCommand } from '../options.ts';

export const VERIFY_USAGE =
  'anchorpost verify PROOF.json... [--evm-rpc [CHAINID=]URL...] [--ergo-node [NETWORK=]URL...] [--min-confirmations N]';

const CHAIN_URL_RE = /^([1-9][0-9]*)=(.+)$/;
const NETWORK_URL_RE = /^(mainnet|testnet)=(.+)$/;

/** The URL per chain id (or Ergo network) of one kind of chain, from `[ID=]URL` specs. */
function nodeUrls(
  specs: readonly string[],
  proof: TxFileProof,
  kind: 'evm' | 'ergo',
): Record<string, string> {
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
  if (fallback !== undefined) {
    for (const anchor of proof.anchors) if (anchor.chain === kind) urls[anchor.chainId] ??= fallback;
    // With no Ergo anchor, the Ergo node still checks the trusted block's time.
    if (kind === 'ergo' && Object.keys(urls).length === 0) urls.mainnet = fallback;
  }
  return urls;
}

function anchorLine(anchor: VerifiedProof['anchors'][number], minConfirmations: number): string {
  if (anchor.chain === 'ergo') {
    return `  anchor ergo:${anchor.chainId}: tx ${anchor.txId} moves marker token ${anchor.tokenId} into a box holding this root, batch and sequence; block ${anchor.height} ${anchor.headerId} is on the best chain, time ${anchor.blockTime}, ${anchor.confirmations} confirmations (at least ${minConfirmations} required)`;
  }
  return `  anchor evm:${anchor.chainId}: tx ${anchor.txHash} succeeded with the Anchored event of ${anchor.contract} for this root, batch and sequence; block ${anchor.blockNumber} ${anchor.blockHash} is canonical, time ${anchor.blockTime}, ${anchor.confirmations} confirmations (at least ${minConfirmations} required)`;
}

function sentAfterLine(verified: VerifiedProof): string {
  const bound = verified.timeBound.notBefore;
  if (bound === undefined) return '  sent after: not stated in the proof';
  if (bound.verified)
    return `  sent after: ${bound.time ?? '?'} (Ergo block ${bound.height}, the tx-file's trustedblock)`;
  return `  sent after: Ergo block ${bound.height} (the tx-file's trustedblock; its time not checked: needs --ergo-node)`;
}

function report(proof: TxFileProof, verified: VerifiedProof, minConfirmations: number): string {
  const { batch, inclusion } = proof;
  const lines = [
    `verified tx-file ${verified.txFile}`,
    `  inclusion: leaf ${inclusion.index} of ${batch.count} in batch ${batch.cid} (sequence ${batch.sequence}), root ${batch.merkleRoot} (RFC 6962, SHA-256)`,
    ...verified.anchors.map((anchor) => anchorLine(anchor, minConfirmations)),
    `  sent before: ${verified.timeBound.notAfter} (earliest anchor block time)`,
    sentAfterLine(verified),
    '  not checked: batch platform, sealedAt, previous and count beyond the Merkle tree (they are in the batch-file at the batch CID)',
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

/** The chain nodes a proof is checked against: `--evm-rpc` and `--ergo-node` specs. */
export interface VerifyNodes {
  readonly evm: readonly string[];
  readonly ergo: readonly string[];
}

/**
 * Parses and verifies a TxFileProof (JSON value) against the chain nodes given and answers the
 * report; a failure is one CliError with the proof package's code and field.
 */
export async function verifyProofReport(
  value: unknown,
  nodes: VerifyNodes,
  minConfirmations: number,
): Promise<string> {
  try {
    const proof = parseTxFileProof(value);
    const verified = await verifyProof(proof, {
      evmRpcUrls: nodeUrls(nodes.evm, proof, 'evm'),
      ergoNodeUrls: nodeUrls(nodes.ergo, proof, 'ergo'),
      minConfirmations,
    });
    return report(proof, verified, minConfirmations);
  } catch (error) {
    // The proof package's errors carry a code and a field: print them as the CLI's one line.
    if (isProofError(error)) throw new CliError(error.code, error.field, error.message);
    throw error;
  }
}

export async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      'evm-rpc': { type: 'string', multiple: true },
      'ergo-node': { type: 'string', multiple: true },
      'min-confirmations': { type: 'string' },
    },
    VERIFY_USAGE,
  );
  if (positionals.length === 0) throw new UsageError(`usage: ${VERIFY_USAGE}`);
  const specs: VerifyNodes = { evm: values['evm-rpc'] ?? [], ergo: values['ergo-node'] ?? [] };
  if (specs.evm.length === 0 && specs.ergo.length === 0)
    throw new UsageError(`--evm-rpc or --ergo-node is required; usage: ${VERIFY_USAGE}`);
  const minConfirmations = minConfirmationsOption(values['min-confirmations'], VERIFY_USAGE);
  if (positionals.length === 1) {
    process.stdout.write(
      await verifyProofReport(await readJson(positionals[0]!, 'proof'), specs, minConfirmations),
    );
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
