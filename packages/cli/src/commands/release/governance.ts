/**
 * `anchorpost release propose | vote | queue | execute | status`: one release proposal through
 * the Governor, each step named by the manifest file it approves (its SHA-256, CID, version and
 * kind make the proposal, so nothing else needs remembering between steps).
 */
import { readFile } from 'node:fs/promises';
import { Wallet } from 'ethers';
import { JsonRpcPool } from '@anchorpost/chains';
import {
  MAX_MANIFEST_BYTES,
  publishedManifest,
  trustedKeyFromPem,
  verifyReleaseManifest,
} from '@anchorpost/release';
import type { PublishedManifest } from '@anchorpost/release';
import { ReleaseGovernanceClient } from '@anchorpost/release-governance';
import type { ReleaseApproval, VoteSupport } from '@anchorpost/release-governance';
import { SponsorClient } from '@anchorpost/sdk';
import { apiKeyOf } from '../../api-key.ts';
import { CliError, UsageError } from '../../failure.ts';
import { readBounded } from '../../files.ts';
import { serviceUrl } from '../../http.ts';
import { parseCommand } from '../../options.ts';
import { asCliFailure } from './release-failure.ts';
import { sponsoredVote } from './sponsored-vote.ts';

const CHAIN = '--rpc URL --governor ADDRESS --registry ADDRESS';
export const RELEASE_GOVERNANCE_USAGE = [
  `anchorpost release propose ${CHAIN} --key-file FILE --manifest FILE [--trusted-key PEM...]`,
  `anchorpost release vote ${CHAIN} --key-file FILE (--manifest FILE | --proposal ID) --support for|against|abstain`,
  '    [--sponsor URL [--api-key KEY] [--timeout SECONDS]]',
  '    (without --sponsor a direct vote, paid by the voter; with it a gasless vote: the voter signs',
  "    the Governor's Ballot, the sponsor sends castVoteBySig and pays; --api-key or ANCHORPOST_API_KEY)",
  `anchorpost release queue|execute ${CHAIN} --key-file FILE --manifest FILE`,
  `anchorpost release status ${CHAIN} [--manifest FILE | --proposal ID]`,
].join('\n  ');

const OPTIONS = {
  rpc: { type: 'string' },
  governor: { type: 'string' },
  registry: { type: 'string' },
  'key-file': { type: 'string' },
  manifest: { type: 'string' },
  proposal: { type: 'string' },
  support: { type: 'string' },
  'trusted-key': { type: 'string', multiple: true },
  sponsor: { type: 'string' },
  'api-key': { type: 'string' },
  timeout: { type: 'string' },
} as const;

const DEFAULT_TIMEOUT_SECONDS = 120;

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values'];

function required(values: Values, name: 'rpc' | 'governor' | 'registry' | 'key-file' | 'manifest'): string {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required; usage: ${RELEASE_GOVERNANCE_USAGE}`);
  return value;
}

function client(values: Values, rpc: JsonRpcPool): ReleaseGovernanceClient {
  const address = (name: 'governor' | 'registry'): string => {
    const value = required(values, name);
    if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new UsageError(`--${name} must be a 0x-prefixed address`);
    return value;
  };
  return new ReleaseGovernanceClient({ rpc, governor: address('governor'), registry: address('registry') });
}

async function signer(values: Values): Promise<Wallet> {
  const path = required(values, 'key-file');
  const text = (await readFile(path, 'utf8')).trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(text)) {
    // Never echo the file: it is a private key.
    throw new CliError('BAD_KEY', 'key-file', `${path} does not hold a hex secp256k1 private key`);
  }
  return new Wallet(text.startsWith('0x') ? text : `0x${text}`);
}

async function manifest(values: Values): Promise<PublishedManifest> {
  const path = required(values, 'manifest');
  return asCliFailure(async () => publishedManifest(await readBounded(path, MAX_MANIFEST_BYTES, 'manifest')));
}

const approvalOf = (published: PublishedManifest): ReleaseApproval => ({
  manifestSha256: published.sha256,
  manifestCid: published.cid,
  version: BigInt(published.manifest.version),
  rollback: published.manifest.rollback,
});

async function proposalId(values: Values, governance: ReleaseGovernanceClient): Promise<string> {
  if (values.proposal !== undefined) {
    if (!/^\d{1,78}$/.test(values.proposal)) throw new UsageError('--proposal must be a decimal proposal id');
    return values.proposal;
  }
  return governance.proposal(approvalOf(await manifest(values))).proposalId;
}

/** Refuses, before anything is sent, a manifest the updater would refuse (with --trusted-key). */
async function checkBeforeProposing(
  values: Values,
  governance: ReleaseGovernanceClient,
  published: PublishedManifest,
) {
  const pems = values['trusted-key'] ?? [];
  if (pems.length === 0) return;
  const trustedKeys = await Promise.all(
    pems.map(async (path, i) => trustedKeyFromPem(await readFile(path, 'utf8'), `trusted-key.${i}`)),
  );
  const registry = await governance.registryStatus();
  await verifyReleaseManifest({
    bytes: published.bytes,
    proposal: approvalOf(published),
    registry: { currentVersion: registry.current?.version ?? 0n, highestVersion: registry.highestVersion },
    trustedKeys,
  });
}

const json = (value: unknown): string =>
  `${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;

async function status(values: Values, governance: ReleaseGovernanceClient): Promise<void> {
  const wantsProposal = values.proposal !== undefined || values.manifest !== undefined;
  const proposal = wantsProposal
    ? await governance.proposalStatus(await proposalId(values, governance))
    : undefined;
  const registry = await governance.registryStatus();
  process.stdout.write(json({ proposal, registry }));
}

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError('--timeout must be a whole number of seconds');
  return Number(value) * 1000;
}

async function vote(values: Values, rpc: JsonRpcPool, governance: ReleaseGovernanceClient): Promise<void> {
  const support = values.support;
  if (support !== 'for' && support !== 'against' && support !== 'abstain') {
    throw new UsageError('--support must be for, against or abstain');
  }
  const id = await proposalId(values, governance);
  if (values.sponsor === undefined) {
    await governance.castVote(await signer(values), id, support satisfies VoteSupport);
    process.stdout.write(`voted ${support} on proposal ${id}\n`);
    return;
  }
  serviceUrl(values.sponsor, '--sponsor', ''); // a malformed URL is a usage mistake
  const sponsor = new SponsorClient({
    url: values.sponsor,
    apiKey: apiKeyOf(values['api-key'], RELEASE_GOVERNANCE_USAGE),
  });
  const wait = timeoutMs(values.timeout);
  const voter = await signer(values);
  const cast = await sponsoredVote({
    rpc,
    governance,
    sponsor,
    voter,
    proposalId: id,
    support,
    timeoutMs: wait,
  });
  process.stdout.write(
    `voted ${cast.support} on proposal ${id}\n  voter ${cast.voter}\n  weight ${cast.weight}\n` +
      `  tx ${cast.sponsorship.txHash} (paid by the sponsor, sponsorship ${cast.sponsorship.digest})\n`,
  );
}

export async function releaseGovernanceCommand(sub: string, args: string[]): Promise<number> {
  const { values } = parseCommand(args, OPTIONS, RELEASE_GOVERNANCE_USAGE);
  const rpc = new JsonRpcPool({ urls: [required(values, 'rpc')] });
  const governance = client(values, rpc);
  await asCliFailure(async () => {
    switch (sub) {
      case 'status':
        return status(values, governance);
      case 'vote':
        return vote(values, rpc, governance);
      case 'propose': {
        const published = await manifest(values);
        await checkBeforeProposing(values, governance, published);
        const proposed = await governance.propose(await signer(values), approvalOf(published));
        process.stdout.write(`proposal ${proposed.proposalId}\n`);
        return;
      }
      case 'queue':
      case 'execute': {
        const approval = approvalOf(await manifest(values));
        const key = await signer(values);
        const done =
          sub === 'queue' ? await governance.queue(key, approval) : await governance.execute(key, approval);
        process.stdout.write(`${sub === 'queue' ? 'queued' : 'executed'} proposal ${done.proposalId}\n`);
        return;
      }
      default:
        throw new UsageError(`unknown release step '${sub}'; usage: ${RELEASE_GOVERNANCE_USAGE}`);
    }
  });
  return 0;
}
