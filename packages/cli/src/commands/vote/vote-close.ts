/**
 * `anchorpost vote close VOTING_CID`: once the chain is past the deadline block, the organizer
 * lists every anchored vote file of the voting anchored by the deadline (valid or not: the recount
 * decides) in the canonical Votes file and sends it to the group as a tx-file, to be anchored (the
 * SDK's closeVoting).
 */
import { closeVoting } from '@anchorpost/sdk';
import { UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import {
  deadlineChainOf,
  groupSourceOf,
  MEMBER_OPTIONS,
  memberOf,
  RECOUNT_OPTIONS,
  SEND_OPTIONS,
  sendingOf,
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
  const { relay, sending } = await sendingOf(values, VOTE_CLOSE_USAGE);
  const deadlineChain = deadlineChainOf(values['deadline-chain']);
  const closed = await closeVoting(member, relay, positionals[0]!, source, { ...sending, deadlineChain });
  const { tally, chain } = closed.recount;
  const result = {
    cid: closed.submitted.receipt.cid,
    voting: tally.voting.cid,
    listed: closed.listed,
    totals: tally.totals,
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `Votes file ${result.cid}\nlists ${result.listed} vote(s) anchored by block ${tally.voting.lastblock} on ${chain.chain}:${chain.chainId}\n`,
  );
  return 0;
}
