/**
 * `anchorpost vote cast VOTING_CID --option TITLE`: a member reads the voting file from the relay
 * (checked against its CID, opened as a member), signs a vote for one of its options — over this
 * voting, this voter and this option — and sends the vote file to the group.
 */
import { openTxFile, parseTxFile } from '@anchorpost/protocol';
import { CliError, UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { fetchTxFileBytes } from './anchored-group-files.ts';
import { MEMBER_OPTIONS, memberOf, SEND_OPTIONS, sendToGroup } from './vote-options.ts';

export const VOTE_CAST_USAGE = [
  'anchorpost vote cast VOTING_CID --option TITLE --group GROUP.json --key PRIVATE_KEY.json [--client CLIENT_PRIVATE_KEY.json]',
  '    --relay URL [--api-key KEY] --lastblock HEIGHT:BLOCK_ID --trustedblock HEIGHT:BLOCK_ID [--before STATE] [--json]',
].join('\n  ');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function voteCast(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { ...MEMBER_OPTIONS, ...SEND_OPTIONS, option: { type: 'string' }, json: { type: 'boolean' } },
    VOTE_CAST_USAGE,
  );
  if (positionals.length !== 1 || values.option === undefined || values.relay === undefined) {
    throw new UsageError(`usage: ${VOTE_CAST_USAGE}`);
  }
  const member = await memberOf(values, VOTE_CAST_USAGE);
  const votingCid = positionals[0]!;
  const votingTx = parseTxFile(await fetchTxFileBytes(values.relay, votingCid));
  const voting = openTxFile(votingTx, { group: member.group }).voting;
  if (voting === undefined)
    throw new CliError('NOT_A_VOTING', 'voting', `${votingCid} has no voting section`);
  const titles = voting.options.map((option) => decoder.decode(option.title));
  if (!titles.includes(values.option)) {
    throw new CliError(
      'UNKNOWN_OPTION',
      '--option',
      `the voting's options are ${titles.map((t) => `"${t}"`).join(', ')}`,
    );
  }
  const { submitted, tx } = await sendToGroup(member, values, VOTE_CAST_USAGE, {
    message: { data: encoder.encode(values.option) },
    vote: { voting: votingTx.state.after, optionTitle: encoder.encode(values.option) },
  });
  const result = {
    cid: submitted.receipt.cid,
    voting: votingCid,
    option: tx.vote!.option,
    receipt: submitted.receipt,
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `vote ${result.cid}\nfor "${values.option}" in voting ${votingCid} (deadline block ${voting.lastblock})\n`,
  );
  return 0;
}
