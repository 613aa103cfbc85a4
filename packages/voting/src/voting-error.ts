/**
 * When no tally can be made at all (as opposed to a vote that does not count, which is a
 * rejection in the tally): a stable code, its kind, a field and whether trying again can help.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol/portable';

export const VotingErrorCode = {
  /** The voting's tx-file is not among the anchored files (not sent, or not anchored yet). */
  VotingNotAnchored: 'VOTING_NOT_ANCHORED',
  /** The file exists but carries no `voting` section. */
  NotAVoting: 'NOT_A_VOTING',
  /** The voting's tx-file does not open for the group. */
  VotingUnreadable: 'VOTING_UNREADABLE',
} as const;

export type VotingErrorCode = (typeof VotingErrorCode)[keyof typeof VotingErrorCode];

const KINDS = errorKinds<VotingErrorCode>(VotingErrorCode, {
  VOTING_NOT_ANCHORED: 'not-found',
  NOT_A_VOTING: 'invalid',
  VOTING_UNREADABLE: 'invalid',
});

/** Anchoring takes a batch interval and some blocks: a voting not anchored yet may be later. */
const RETRYABLE: ReadonlySet<VotingErrorCode> = new Set([VotingErrorCode.VotingNotAnchored]);

export class VotingError extends AnchorpostError<VotingErrorCode> {
  override readonly name = 'VotingError';
  readonly field: string;

  constructor(code: VotingErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
    this.field = field;
  }
}

export function isVotingError(value: unknown): value is VotingError {
  return value instanceof VotingError;
}
