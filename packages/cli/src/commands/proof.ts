/**
 * `anchorpost proof CID --api URL [--out FILE] [--verify (--trust TRUST.json | --trust-proof-claims) --evm-rpc [CHAINID=]URL... --ergo-node [NETWORK=]URL... [--no-lower-bound] [--min-confirmations N]]`:
 * fetches a tx-file's TxFileProof from the proof API (`GET /v1/proofs/{cid}`); `--verify` checks
 * it as `anchorpost verify` does, against the auditor's trust roots (never the API's say-so).
 *
 * Exit codes: 0 the proof (verified, with --verify), 1 an error (unknown CID, refusal, network,
 * verification failure), 2 a usage mistake, 3 not anchored yet (`pending (<stage>)` on stdout).
 * Without --verify the proof JSON goes to --out or stdout; with --verify stdout is the
 * verification report and the proof is saved only if --out is given.
 */
import { parseCid } from '@anchorpost/protocol';
import { CliError, UsageError } from '../failure.ts';
import { writeJson } from '../files.ts';
import { refusal, request, serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';
import { minConfirmationsOption, trustOption, verifyProofReport } from './verify.ts';
import type { VerifySetup } from './verify.ts';

export const PROOF_USAGE = [
  'anchorpost proof CID --api URL [--out FILE] [--verify (--trust TRUST.json | --trust-proof-claims) [--evm-rpc [CHAINID=]URL...] [--ergo-node [NETWORK=]URL...] [--no-lower-bound] [--min-confirmations N]]',
  '    (exit 0 proof, 1 error, 2 usage, 3 pending: not anchored yet)',
].join('\n  ');

/** The exit code of a proof that is not served yet. */
export const PENDING_EXIT_CODE = 3;

export async function proofCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      api: { type: 'string' },
      out: { type: 'string' },
      verify: { type: 'boolean' },
      'evm-rpc': { type: 'string', multiple: true },
      'ergo-node': { type: 'string', multiple: true },
      'min-confirmations': { type: 'string' },
      trust: { type: 'string' },
      'trust-proof-claims': { type: 'boolean' },
      'no-lower-bound': { type: 'boolean' },
    },
    PROOF_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${PROOF_USAGE}`);
  if (values.api === undefined) throw new UsageError(`--api is required; usage: ${PROOF_USAGE}`);
  const evm = values['evm-rpc'] ?? [];
  const ergo = values['ergo-node'] ?? [];
  const verifyOnly = [
    evm.length > 0,
    ergo.length > 0,
    values['min-confirmations'] !== undefined,
    values['no-lower-bound'] === true,
  ];
  const trustGiven = values.trust !== undefined || values['trust-proof-claims'] === true;
  if (values.verify && evm.length + ergo.length === 0) {
    throw new UsageError(`--verify needs --evm-rpc or --ergo-node; usage: ${PROOF_USAGE}`);
  }
  if (!values.verify && (verifyOnly.includes(true) || trustGiven)) {
    throw new UsageError(
      `--evm-rpc, --ergo-node, --trust, --trust-proof-claims, --no-lower-bound and --min-confirmations go with --verify; usage: ${PROOF_USAGE}`,
    );
  }
  const minConfirmations = minConfirmationsOption(values['min-confirmations'], PROOF_USAGE);
  // Read before the API is asked: a missing or bad trust file stops here.
  const specs: VerifySetup | undefined = values.verify
    ? {
        evm,
        ergo,
        trust: await trustOption(values, PROOF_USAGE),
        acceptNoLowerBound: values['no-lower-bound'] === true,
      }
    : undefined;
  const cid = positionals[0]!;
  parseCid(cid, 'cid');
  const url = serviceUrl(values.api, '--api', `v1/proofs/${cid}`);

  const response = await request(url, { headers: { accept: 'application/json' } });
  if (response.status === 202) {
    const { stage } = (await response.json().catch(() => ({}))) as { stage?: unknown };
    process.stdout.write(`pending (${typeof stage === 'string' ? stage : 'unknown'})\n`);
    return PENDING_EXIT_CODE;
  }
  if (response.status !== 200) throw await refusal(response);
  let proof: unknown;
  try {
    proof = await response.json();
  } catch {
    throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered 200 without JSON`);
  }

  if (values.out !== undefined) await writeJson(values.out, proof);
  if (specs !== undefined) {
    process.stdout.write(await verifyProofReport(proof, specs, minConfirmations));
  } else if (values.out === undefined) {
    process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
  }
  return 0;
}
