/** `anchorpost vote new`: the organizer sends the voting file (question, options, deadline) to the group. */
import { newVoting } from '@anchorpost/sdk';
import { UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { MEMBER_OPTIONS, memberOf, SEND_OPTIONS, sendingOf } from './vote-options.ts';

export const VOTE_NEW_USAGE = [
  'anchorpost vote new --group GROUP.json --key PRIVATE_KEY.json [--client CLIENT_PRIVATE_KEY.json]',
  '    --question TEXT --option TITLE --option TITLE... --deadline HEIGHT',
  '    --relay URL [--api-key KEY] --lastblock HEIGHT:BLOCK_ID --trustedblock HEIGHT:BLOCK_ID [--before STATE] [--json]',
].join('\n  ');

export async function voteNew(args: string[]): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      ...MEMBER_OPTIONS,
      ...SEND_OPTIONS,
      question: { type: 'string' },
      option: { type: 'string', multiple: true },
      deadline: { type: 'string' },
      json: { type: 'boolean' },
    },
    VOTE_NEW_USAGE,
  );
  if (values.question === undefined) throw new UsageError(`--question is required; usage: ${VOTE_NEW_USAGE}`);
  const titles = values.option ?? [];
  if (titles.length < 2 || new Set(titles).size !== titles.length) {
    throw new UsageError(`give two or more different --option titles; usage: ${VOTE_NEW_USAGE}`);
  }
  if (!/^(0|[1-9][0-9]{0,14})$/.test(values.deadline ?? '')) {
    throw new UsageError(`--deadline must be a block height; usage: ${VOTE_NEW_USAGE}`);
  }
  const member = await memberOf(values, VOTE_NEW_USAGE);
  const { relay, sending } = await sendingOf(values, VOTE_NEW_USAGE);
  const deadline = Number(values.deadline);
  const { tx, submitted } = await newVoting(
    member,
    relay,
    { question: values.question, options: titles, deadline },
    sending,
  );
  const result = { cid: submitted.receipt.cid, voting: tx.state.after, deadline, receipt: submitted.receipt };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `voting ${result.cid}\nid ${result.voting}\ndeadline block ${deadline}\n`,
  );
  return 0;
}
