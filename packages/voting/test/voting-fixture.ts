// Builders for the recount's tests: a group of an organizer and three members, an outsider who
// holds the group keys without being in the bundle, and tx-files placed at chosen block heights.
import {
  buildTxFile,
  computeAfterState,
  createGroup,
  fingerprint,
  generateIdentity,
  getSuite,
  serializeTxFile,
  signVote,
  tallyFromVoteFiles,
  toBase64,
  txFileSigningMessage,
  type GroupBundle,
  type GroupKeys,
  type PrivateIdentity,
  type TxFile,
  type VotesFile,
} from '@anchorpost/protocol';
import { cidForBytes } from '@anchorpost/protocol';
import { votesFileMessage, type AnchoredTxFile } from '../src/index.ts';

const blockchain = {
  lastblock: { height: 100, signature: 'a'.repeat(64) },
  trustedblock: { height: 90, signature: 'b'.repeat(64) },
};
const text = (value: string) => new TextEncoder().encode(value);

export interface VotingWorld {
  keys: GroupKeys;
  /** The group bundle (JSON value) each member opens with its own key. */
  bundle: GroupBundle;
  members: string[];
  organizer: PrivateIdentity;
  alice: PrivateIdentity;
  bob: PrivateIdentity;
  carol: PrivateIdentity;
  /** Holds the group keys (a former member, say) but is not in the bundle. */
  outsider: PrivateIdentity;
}

export async function votingWorld(): Promise<VotingWorld> {
  const [organizer, alice, bob, carol, outsider] = await Promise.all(
    Array.from({ length: 5 }, () => generateIdentity('modern')),
  );
  const { keys, bundle } = await createGroup('modern', [
    organizer!.public,
    alice!.public,
    bob!.public,
    carol!.public,
  ]);
  return {
    keys,
    bundle,
    members: bundle.members.map((member) => member.id),
    organizer: organizer!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    outsider: outsider!,
  };
}

/** A tx-file's bytes placed at `height` (batch `sequence`, leaf `index`). */
export async function anchored(
  tx: TxFile,
  anchoredHeight: number,
  batchIndex = 0,
  batchSequence = anchoredHeight,
): Promise<AnchoredTxFile> {
  const bytes = serializeTxFile(tx);
  return { cid: await cidForBytes(bytes), bytes, anchoredHeight, batchSequence, batchIndex };
}

export function votingTx(world: VotingWorld, lastblock: number, titles = ['Pizza', 'Sushi']): TxFile {
  return buildTxFile({
    group: world.keys,
    senders: [world.organizer],
    client: world.organizer,
    blockchain,
    message: { data: text('Lunch on Friday?') },
    voting: {
      secret: new Uint8Array(32).fill(7),
      lastblock,
      options: titles.map((title) => ({ title: text(title) })),
    },
  });
}

export function voteTx(world: VotingWorld, voter: PrivateIdentity, voting: TxFile, title: string): TxFile {
  return buildTxFile({
    group: world.keys,
    senders: [voter],
    client: voter,
    blockchain,
    message: { data: text('my vote') },
    vote: { voting: voting.state.after, optionTitle: text(title) },
  });
}

/**
 * A vote file that names `voting` but carries the voter's signature from `other` (a vote copied
 * from another voting), sealed and signed again so the file itself is well formed.
 */
export function copiedVoteTx(
  world: VotingWorld,
  voter: PrivateIdentity,
  voting: TxFile,
  other: TxFile,
  title: string,
): TxFile {
  const tx = voteTx(world, voter, voting, title);
  const vote = tx.vote!;
  vote.signature = signVote(voter, { voting: other.state.after, voter: vote.voter, option: vote.option });
  tx.state.after = computeAfterState(tx, world.keys.secret);
  const message = txFileSigningMessage(tx);
  const suite = getSuite(tx.suite);
  tx.client.signature = toBase64(suite.sign(voter.signing, message));
  tx.sender[0]!.signature = toBase64(suite.sign(voter.signing, message));
  return tx;
}

/** The organizer's Votes file tx-file listing `votes`. */
export function votesTx(world: VotingWorld, votes: VotesFile): TxFile {
  return buildTxFile({
    group: world.keys,
    senders: [world.organizer],
    client: world.organizer,
    blockchain,
    message: votesFileMessage(votes),
  });
}

/** The Votes file an honest organizer builds from the anchored vote files. */
export function honestVotesFile(
  voting: TxFile,
  votes: readonly AnchoredTxFile[],
  parse: (b: Uint8Array) => TxFile,
): VotesFile {
  return tallyFromVoteFiles(
    voting.state.after,
    voting.voting!.lastblock,
    votes.map((file) => ({
      vote: parse(file.bytes).vote!,
      anchoredHeight: file.anchoredHeight,
      txfile: file.cid,
    })),
  );
}

export { fingerprint };
