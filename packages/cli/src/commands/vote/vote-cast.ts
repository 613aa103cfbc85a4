/**
 * `anchorpost vote cast VOTING_CID --option TITLE`: a member reads the voting file from the relay
 * (checked against its CID, opened as a member), signs a vote for one of its options — over this
 * voting, this voter and this option — and sends the vote file to the group (the SDK's castVote).
 */
import { castVote, isSdkError, RelayClient, SdkErrorCode } from '@anchorpost/sdk';
import { CliError, UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { MEMBER_OPTIONS, memberOf, SEND_OPTIONS, sendingOf } from './vote-options.ts';

export const VOTE_CAST_USAGE = [
  'anchorpost vote cast VOTING_CID --option TITLE --group GROUP.json --key PRIVATE_KEY.json [--client CLIENT_PRIVATE_KEY.json]',
  '    --relay URL [--api-key KEY] --lastblock HEIGHT:BLOCK_ID --trustedblock HEIGHT:BLOCK_ID [--before STATE] [--json]',
].join('\n  ');

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
  const { relay, sending } = await sendingOf(values, VOTE_CAST_USAGE);
  const votingCid = positionals[0]!;
  // The voting file's bytes from the relay, checked against its CID (no API key needed to read).
  const votingBytes = await new RelayClient({ url: values.relay }).txFile(votingCid);
  const { submitted, tx, deadline } = await castVote(
    member,
    relay,
    votingBytes,
    values.option,
    sending,
  ).catch((error: unknown) => {
    // The option is the user's flag: name it so.
    if (isSdkError(error) && error.code === SdkErrorCode.UnknownOption)
      throw new CliError(error.code, '--option', error.message);
    throw error;
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
      : `vote ${result.cid}\nfor "${values.option}" in voting ${votingCid} (deadline block ${deadline})\n`,
  );
  return 0;
}
