/**
 * `anchorpost vote close VOTING_CID`: once the chain is past the deadline block, the organizer
 * lists every anchored vote file of the voting anchored by the deadline (valid or not: the recount
 * decides) in the canonical Votes file and sends it to the group as a tx-file, to be anchored.
 */
import { parseTxFile, tallyFromVoteFiles } from '@anchorpost/protocol';
import { votesFileMessage } from '@anchorpost/voting';
import { CliError, UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { recount } from './recount.ts';
import {
  MEMBER_OPTIONS,
  memberOf,
  RECOUNT_OPTIONS,
  SEND_OPTIONS,
  sendToGroup,
  groupSourceOf,
} from './vote-options.ts';

export const VOTE_CLOSE_USAGE = [
  'anchorpost vote close VOTING_CID --group GROUP.json --key PRIVATE_KEY.json [--client CLIENT_PRIVATE_KEY.json]',
  '    --api URL --relay URL [--api-key KEY] (--trust TRUST.json | --trust-proof-claims) [--evm-rpc [CHAINID=]URL...] [--ergo-node [NETWORK=]URL...]',
  '    [--no-lower-bound] [--min-confirmations N] [--deadline-chain evm:ID|ergo:NETWORK]',
  '    --lastblock HEIGHT:BLOCK_ID --trustedblock HEIGHT:BLOCK_ID [--before STATE] [--json]',
].join('\n  ');

export async function voteClose(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { ...MEMBER_OPTIONS, ...SEND_OPTIONS, ...RECOUNT_OPTIONS, json: { type: 'boolean' } },
    VOTE_CLOSE_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${VOTE_CLOSE_USAGE}`);
  const member = await memberOf(values, VOTE_CLOSE_USAGE);
  const source = await groupSourceOf(values, VOTE_CLOSE_USAGE);
  const { tally, head, files, chain } = await recount(
    positionals[0]!,
    member,
    source,
    values['deadline-chain'],
  );
  const { voting } = tally;
  if (head <= voting.lastblock) {
    throw new CliError(
      'VOTING_OPEN',
      'deadline',
      `the deadline block ${voting.lastblock} is not passed yet: ${chain.chain}:${chain.chainId} is at block ${head}`,
    );
  }
  const votes = files.flatMap((file) => {
    const vote = parseTxFile(file.bytes).vote;
    return vote?.voting === voting.after
      ? [{ vote, anchoredHeight: file.anchoredHeight, txfile: file.cid }]
      : [];
  });
  const votesFile = tallyFromVoteFiles(voting.after, voting.lastblock, votes);
  const votingTx = parseTxFile(files.find((file) => file.cid === voting.cid)!.bytes);
  const { submitted } = await sendToGroup(member, values, VOTE_CLOSE_USAGE, {
    message: votesFileMessage(votesFile),
    // The organizer's next file in its chain, when the voting was its last one.
    beforeFor: (clientId) => (clientId === votingTx.client.id ? votingTx.state.after : undefined),
  });
  const result = {
    cid: submitted.receipt.cid,
    voting: voting.cid,
    listed: votesFile.votes.length,
    totals: tally.totals,
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `Votes file ${result.cid}\nlists ${result.listed} vote(s) anchored by block ${voting.lastblock} on ${chain.chain}:${chain.chainId}\n`,
  );
  return 0;
}
