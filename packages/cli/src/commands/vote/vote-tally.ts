/**
 * `anchorpost vote tally VOTING_CID`: anyone in the group recounts from anchored data — every
 * file's proof verified against their own trust roots and chain nodes, every file's bytes against
 * its CID — and prints the totals, every vote that does not count with its reason, and whether the
 * organizer's Votes file lists exactly the anchored votes. Exit 0, or 4 when the Votes file is
 * inconsistent with the anchored votes. The recount is the SDK's `tallyVoting`.
 */
import { tallyVoting, type Recount } from '@anchorpost/sdk';
import { UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { deadlineChainOf, groupSourceOf, MEMBER_OPTIONS, memberOf, RECOUNT_OPTIONS } from './vote-options.ts';

export const VOTE_TALLY_USAGE = [
  'anchorpost vote tally VOTING_CID --group GROUP.json --key PRIVATE_KEY.json --api URL --relay URL',
  '    (--trust TRUST.json | --trust-proof-claims) [--evm-rpc [CHAINID=]URL...] [--ergo-node [NETWORK=]URL...]',
  '    [--no-lower-bound] [--min-confirmations N] [--deadline-chain evm:ID|ergo:NETWORK] [--json]',
  '    (exit 0 tallied, 4 the Votes file is inconsistent with the anchored votes)',
].join('\n  ');

/** The exit code of a tally whose Votes file does not list exactly the anchored votes. */
export const INCONSISTENT_VOTES_FILE_EXIT_CODE = 4;

function report({ tally, chain, unverified }: Recount): string {
  const { voting, votesFile } = tally;
  const lines = [
    `voting ${voting.cid}: "${voting.question}"`,
    `  deadline block ${voting.lastblock} on ${chain.chain}:${chain.chainId}; organizer ${voting.organizer}`,
    ...tally.totals.map((total) => `  ${total.votes} "${total.title}"`),
    `counted ${tally.counted.length} vote(s), rejected ${tally.rejected.length}`,
    ...tally.rejected.map((vote) => `  rejected ${vote.cid} ${vote.code}: ${vote.message}`),
    votesFile.cid === undefined
      ? `Votes file: ${votesFile.status}`
      : `Votes file ${votesFile.cid}: ${votesFile.status} (lists ${votesFile.listed})`,
    ...votesFile.findings.map((finding) => `  ${finding.code}: ${finding.message}`),
    ...unverified.map(
      (file) => `not counted (proof or bytes not verified) ${file.cid} ${file.code}: ${file.message}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export async function voteTally(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { ...MEMBER_OPTIONS, ...RECOUNT_OPTIONS, json: { type: 'boolean' } },
    VOTE_TALLY_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${VOTE_TALLY_USAGE}`);
  const member = await memberOf(values, VOTE_TALLY_USAGE);
  const source = await groupSourceOf(values, VOTE_TALLY_USAGE);
  const deadlineChain = deadlineChainOf(values['deadline-chain']);
  const result = await tallyVoting(positionals[0]!, member, source, deadlineChain);
  const { tally, chain, unverified } = result;
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...tally, deadlineChain: chain, unverified }, null, 2)}\n`
      : report(result),
  );
  return tally.votesFile.status === 'inconsistent' ? INCONSISTENT_VOTES_FILE_EXIT_CODE : 0;
}
