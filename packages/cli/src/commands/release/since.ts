/**
 * `anchorpost release since DIGEST --api URL (--trust TRUST.json | --trust-proof-claims) --evm-rpc
 * [CHAINID=]URL... [--group GROUP.json --key PRIVATE_KEY.json]`: is this image digest the voted
 * one, and since when does it run — from the proof API's `GET /v1/releases/digests/{sha256}`,
 * checked here rather than believed: each deploy-log record's hash covers its content, its tx-file
 * hashes to the CID the proof names, the proof verifies against the caller's trust roots, and with
 * the deploy log's group (`--group`, `--key` of a member) the file opens to exactly that record.
 *
 * Exit codes: 0 voted and running, 4 voted but never seen running, 3 a record not anchored yet,
 * 1 an error (DIGEST_NOT_RELEASED, a check that fails), 2 a usage mistake.
 */
import { cidForBytes, fromBase64, parsePrivateKeyFile } from '@anchorpost/protocol';
import { canonicalJson } from '@anchorpost/release';
import { joinGroup, openGroupTxFile } from '@anchorpost/sdk';
import {
  DEPLOY_LOG_HEADER,
  deployLogEntryHashMatches,
  findDigestRelease,
  IMAGE_DIGEST,
} from '@anchorpost/updater-core';
import type { DeployLogEntry } from '@anchorpost/updater-core';
import { CliError, UsageError } from '../../failure.ts';
import { readJson } from '../../files.ts';
import { refusal, request, serviceUrl } from '../../http.ts';
import { parseCommand } from '../../options.ts';
import { PENDING_EXIT_CODE } from '../proof.ts';
import { minConfirmationsOption, trustOption, verifiedProof } from '../verify.ts';
import type { VerifySetup } from '../verify.ts';

export const RELEASE_SINCE_USAGE =
  'anchorpost release since DIGEST --api URL (--trust TRUST.json | --trust-proof-claims) [--evm-rpc [CHAINID=]URL...] [--ergo-node [NETWORK=]URL...] [--no-lower-bound] [--min-confirmations N] [--group GROUP.json --key PRIVATE_KEY.json]  (exit 0 running, 4 voted but not seen running, 3 not anchored yet)';

/** The exit code of a voted digest never seen running. */
export const NOT_RUNNING_EXIT_CODE = 4;

interface Evidence {
  record: DeployLogEntry;
  txFile: { cid: string; bytes: string } | null;
  proof: { status?: string } | null;
}

interface Answer {
  digest: string;
  proposalId: string;
  manifest: string | null;
  version: string | null;
  runningSince: string | null;
  verdict: Evidence;
  commit: Evidence;
  running: Evidence | null;
}

type Opener = ((bytes: Uint8Array) => Uint8Array) | undefined;

/** One record checked end to end; its report line, or undefined when not anchored yet. */
async function checked(
  name: string,
  evidence: Evidence,
  setup: VerifySetup,
  minConfirmations: number,
  open: Opener,
): Promise<string | undefined> {
  const { record, txFile, proof } = evidence;
  if (txFile === null || proof === null || proof.status === 'pending') return undefined;
  const bytes = fromBase64(txFile.bytes);
  if ((await cidForBytes(bytes)) !== txFile.cid) {
    throw new CliError('TX_FILE_MISMATCH', name, `the tx-file's bytes do not hash to ${txFile.cid}`);
  }
  const { verified } = await verifiedProof(proof, setup, minConfirmations);
  if (verified.txFile !== txFile.cid) {
    throw new CliError('TX_FILE_MISMATCH', name, `the proof is of ${verified.txFile}, not of ${txFile.cid}`);
  }
  if (open !== undefined && new TextDecoder().decode(open(bytes)) !== canonicalJson(record)) {
    throw new CliError('RECORD_MISMATCH', name, `tx-file ${txFile.cid} does not carry record ${record.seq}`);
  }
  const opened =
    open === undefined
      ? ' (file not opened: --group and --key check it carries this record)'
      : ', opened: the record itself';
  return `  ${name} record ${record.seq} (${record.recordedAt}) in tx-file ${txFile.cid}, batch ${verified.batch.cid}: proof verified${opened}\n`;
}

async function opener(values: { group?: string | undefined; key?: string | undefined }): Promise<Opener> {
  if ((values.group === undefined) !== (values.key === undefined)) {
    throw new UsageError(`--group and --key go together; usage: ${RELEASE_SINCE_USAGE}`);
  }
  if (values.group === undefined || values.key === undefined) return undefined;
  const member = parsePrivateKeyFile(await readJson(values.key, '--key'), '--key');
  const group = joinGroup(await readJson(values.group, '--group'), member);
  return (bytes) => {
    const { header, data } = openGroupTxFile(bytes, group).message;
    const kind = new TextDecoder().decode(header ?? new Uint8Array());
    if (kind !== DEPLOY_LOG_HEADER)
      throw new CliError('RECORD_MISMATCH', '--group', `a ${kind} file, no deploy-log record`);
    return data;
  };
}

/**
 * Each record's hash must cover its content, and the records must show what the answer claims, by the same rule the API applies: a verdict
 * pinning the digest, the commit of its proposal, a later running record naming it. (That the
 * running record is the first is the API's word: the records are checked one by one.)
 */
function checkClaim(answer: Answer, digestHex: string): void {
  const shown = [
    answer.verdict.record,
    answer.commit.record,
    ...(answer.running ? [answer.running.record] : []),
  ];
  for (const record of shown) {
    if (!deployLogEntryHashMatches(record)) {
      throw new CliError('DEPLOY_LOG_BROKEN', '-', `record ${record.seq}'s hash does not cover its content`);
    }
  }
  const found = findDigestRelease(shown, digestHex);
  if (
    found === undefined ||
    found.verdict.seq !== answer.verdict.record.seq ||
    found.commit.seq !== answer.commit.record.seq ||
    found.running?.seq !== answer.running?.record.seq
  ) {
    throw new CliError(
      'RECORD_MISMATCH',
      '-',
      `the records answered do not show sha256:${digestHex} released`,
    );
  }
}

export async function releaseSinceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      api: { type: 'string' },
      'evm-rpc': { type: 'string', multiple: true },
      'ergo-node': { type: 'string', multiple: true },
      'min-confirmations': { type: 'string' },
      trust: { type: 'string' },
      'trust-proof-claims': { type: 'boolean' },
      'no-lower-bound': { type: 'boolean' },
      group: { type: 'string' },
      key: { type: 'string' },
    },
    RELEASE_SINCE_USAGE,
  );
  const digest = positionals[0];
  if (positionals.length !== 1 || values.api === undefined)
    throw new UsageError(`usage: ${RELEASE_SINCE_USAGE}`);
  if (!IMAGE_DIGEST.test(digest!)) {
    throw new UsageError(
      `DIGEST is 64 lowercase hex, optionally after sha256:; usage: ${RELEASE_SINCE_USAGE}`,
    );
  }
  const setup: VerifySetup = {
    evm: values['evm-rpc'] ?? [],
    ergo: values['ergo-node'] ?? [],
    trust: await trustOption(values, RELEASE_SINCE_USAGE),
    acceptNoLowerBound: values['no-lower-bound'] === true,
  };
  if (setup.evm.length + setup.ergo.length === 0) {
    throw new UsageError(`--evm-rpc or --ergo-node is required; usage: ${RELEASE_SINCE_USAGE}`);
  }
  const minConfirmations = minConfirmationsOption(values['min-confirmations'], RELEASE_SINCE_USAGE);
  const open = await opener(values);
  const url = serviceUrl(values.api, '--api', `v1/releases/digests/${digest!}`);
  const response = await request(url, { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw await refusal(response);
  const answer = (await response.json()) as Answer;
  checkClaim(answer, IMAGE_DIGEST.exec(digest!)![1]!);

  process.stdout.write(
    `${answer.digest} voted: proposal ${answer.proposalId}, manifest ${answer.manifest ?? '?'}, version ${answer.version ?? '?'}\n`,
  );
  let pending = false;
  const named: [string, Evidence | null][] = [
    ['verdict', answer.verdict],
    ['commit', answer.commit],
    ['running', answer.running],
  ];
  for (const [name, evidence] of named) {
    if (evidence === null) continue;
    const line = await checked(name, evidence, setup, minConfirmations, open);
    pending ||= line === undefined;
    process.stdout.write(line ?? `  ${name} record ${evidence.record.seq}: not anchored yet\n`);
  }
  if (answer.running === null) {
    process.stdout.write('never seen running\n');
    return NOT_RUNNING_EXIT_CODE;
  }
  process.stdout.write(`running since ${answer.runningSince ?? answer.running.record.recordedAt}\n`);
  return pending ? PENDING_EXIT_CODE : 0;
}
