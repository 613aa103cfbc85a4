/**
 * `anchorpost vote new | cast | close | tally`: in-app voting (seed 001) over a group. The
 * organizer sends the voting file, members send vote files, the organizer publishes the Votes file
 * after the deadline block, and anyone in the group recounts from anchored data (docs/voting.md).
 */
import { UsageError } from '../failure.ts';
import { voteCast, VOTE_CAST_USAGE } from './vote/vote-cast.ts';
import { voteClose, VOTE_CLOSE_USAGE } from './vote/vote-close.ts';
import { voteNew, VOTE_NEW_USAGE } from './vote/vote-new.ts';
import { voteTally, VOTE_TALLY_USAGE } from './vote/vote-tally.ts';

export const VOTE_USAGE = [VOTE_NEW_USAGE, VOTE_CAST_USAGE, VOTE_CLOSE_USAGE, VOTE_TALLY_USAGE].join('\n  ');

export async function voteCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'new':
      return voteNew(rest);
    case 'cast':
      return voteCast(rest);
    case 'close':
      return voteClose(rest);
    case 'tally':
      return voteTally(rest);
    default:
      throw new UsageError(`usage:\n  ${VOTE_USAGE}`);
  }
}
