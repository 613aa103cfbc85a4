/** `anchorpost vote new`: the organizer sends the voting file (question, options, deadline) to the group. */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { MEMBER_OPTIONS, memberOf, SEND_OPTIONS, sendToGroup } from './vote-options.ts';

export const VOTE_NEW_USAGE = [
  'anchorpost vote new --group GROUP.json --key PRIVATE_KEY.json [--client CLIENT_PRIVATE_KEY.json]',
  '    --question TEXT --option TITLE --option TITLE... --deadline HEIGHT',
  '    --relay URL [--api-key KEY] --lastblock HEIGHT:BLOCK_ID --trustedblock HEIGHT:BLOCK_ID [--before STATE] [--json]',
].join('\n  ');

const encoder = new TextEncoder();

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
  const deadline = Number(values.deadline);
  const { tx, submitted } = await sendToGroup(member, values, VOTE_NEW_USAGE, {
    message: { data: encoder.encode(values.question) },
    voting: {
      // Seed 001: "a random secret that is shared between the voter and the voting organizer".
      secret: new Uint8Array(randomBytes(32)),
      lastblock: deadline,
      options: titles.map((title) => ({ title: encoder.encode(title) })),
    },
  });
  const result = { cid: submitted.receipt.cid, voting: tx.state.after, deadline, receipt: submitted.receipt };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `voting ${result.cid}\nid ${result.voting}\ndeadline block ${deadline}\n`,
  );
  return 0;
}
