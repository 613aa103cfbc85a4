/**
 * A vote moved between votings: an organizer moves a member's vote from one voting into
 * the Votes file of another voting of the same group, or lists it under another voter. Both are
 * refused, in both suites; a genuine vote still counts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { toBase64 } from '../src/bytes.ts';
import { createGroup, type GroupKeys } from '../src/crypto/group.ts';
import {
  generateIdentity,
  publicKeyBytes,
  type PrivateIdentity,
  type PublicIdentity,
} from '../src/crypto/identity.ts';
import { getSuite } from '../src/crypto/suites.ts';
import { ErrorCode } from '../src/errors.ts';
import { buildTxFile, type BuildTxFileInput } from '../src/tx-file/build.ts';
import { openTxFile } from '../src/tx-file/open.ts';
import { signTxFile } from '../src/tx-file/signature.ts';
import { computeAfterState, hmacHex } from '../src/tx-file/state.ts';
import { SUITES, type TxFile } from '../src/tx-file/schema.ts';
import {
  legacyVoteSigningBytes,
  optionHashesOf,
  parseVotesFile,
  serializeVotesFile,
  tallyFromVoteFiles,
  tallyVotes,
  verifyVote,
  voteSigningBytes,
} from '../src/voting/index.ts';
import type { TallyResult, VotesFile } from '../src/voting/index.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

interface Cast {
  organizer: PrivateIdentity;
  alice: PrivateIdentity;
  bob: PrivateIdentity;
  app: PrivateIdentity;
  group: GroupKeys;
}

function input(c: Cast, senders: PrivateIdentity[], extra: Partial<BuildTxFileInput>): BuildTxFileInput {
  return {
    group: c.group,
    senders,
    client: c.app,
    blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
    message: { data: text('ballot') },
    ...extra,
  };
}

/** A voting with the same option titles each time: only its `state.after` tells two apart. */
function voting(c: Cast, label: string): TxFile {
  return buildTxFile(
    input(c, [c.organizer], {
      message: { data: text(label) },
      voting: {
        secret: text(label),
        lastblock: 1_300_000,
        options: [{ title: text('Yes') }, { title: text('No') }],
      },
    }),
  );
}

function vote(c: Cast, voter: PrivateIdentity, votingFile: TxFile, title: string): TxFile {
  return buildTxFile(
    input(c, [voter], { vote: { voting: votingFile.state.after, optionTitle: text(title) } }),
  );
}

for (const suite of SUITES) {
  void describe(`votes cannot be moved between votings (${suite})`, { timeout: 180_000 }, () => {
    let c: Cast;
    let votingA: TxFile;
    let votingB: TxFile;
    let aliceInA: TxFile;
    let bobInB: TxFile;
    let keys: Map<string, PublicIdentity>;
    const voterKey = (publickey: string): PublicIdentity | undefined => keys.get(publickey);

    before(async () => {
      const [organizer, alice, bob, app] = await Promise.all([0, 1, 2, 3].map(() => generateIdentity(suite)));
      const { keys: group } = await createGroup(suite, [organizer!.public, alice!.public, bob!.public]);
      c = { organizer: organizer!, alice: alice!, bob: bob!, app: app!, group };
      votingA = voting(c, 'voting A');
      votingB = voting(c, 'voting B');
      aliceInA = vote(c, c.alice, votingA, 'Yes');
      bobInB = vote(c, c.bob, votingB, 'No');
      keys = new Map(
        [c.alice, c.bob].map((m) => [hmacHex(group.secret, publicKeyBytes(m.public)), m.public] as const),
      );
      assert.deepEqual(optionHashesOf(votingA.voting!), optionHashesOf(votingB.voting!), 'same options');
    });

    const tally = (file: VotesFile): TallyResult =>
      tallyVotes(parseVotesFile(serializeVotesFile(file)), {
        optionHashes: optionHashesOf(votingB.voting!),
        voterKey,
      });

    void it('a genuine vote counts', () => {
      const file = tallyFromVoteFiles(votingB.state.after, 1_300_000, [
        { vote: bobInB.vote!, anchoredHeight: 1 },
      ]);
      const result = tally(file);
      assert.equal(result.counted, 1);
      assert.deepEqual(result.rejected, []);
      assert.equal(openTxFile(bobInB, { group: c.group }).vote?.voting, votingB.state.after);
    });

    void it("refuses Alice's vote from voting A copied into the Votes file of voting B", () => {
      // The organizer rewrites the copied vote's `voting` so that tallyFromVoteFiles keeps it.
      const copied = { ...aliceInA.vote!, voting: votingB.state.after };
      const file = tallyFromVoteFiles(votingB.state.after, 1_300_000, [
        { vote: copied, anchoredHeight: 1 },
        { vote: bobInB.vote!, anchoredHeight: 1 },
      ]);
      assert.equal(file.votes.length, 2);
      const result = tally(file);
      assert.equal(result.counted, 1, "only Bob's vote counts");
      assert.deepEqual(
        result.rejected.map((r) => [r.publickey, r.reason, r.code]),
        [[aliceInA.vote!.voter, 'bad-signature', ErrorCode.VoteNotForThisVoting]],
      );
      assert.throws(
        () => {
          verifyVote(c.alice.public, { ...copied, voting: votingB.state.after });
        },
        {
          code: ErrorCode.VoteNotForThisVoting,
          field: 'vote.signature',
        },
      );
      // In voting A, where it was cast, the same vote verifies.
      verifyVote(c.alice.public, aliceInA.vote!);
    });

    void it('refuses a vote re-attributed to another voter', () => {
      // Bob's signature, listed as Alice's vote (her publickey) in voting B.
      const moved = { ...bobInB.vote!, voter: aliceInA.vote!.voter };
      const file = tallyFromVoteFiles(votingB.state.after, 1_300_000, [{ vote: moved, anchoredHeight: 1 }]);
      assert.deepEqual(
        tally(file).rejected.map((r) => r.code),
        [ErrorCode.VoteNotForThisVoting],
      );
      // Even with the key that made the signature: it names Bob, not Alice.
      assert.throws(
        () => {
          verifyVote(c.bob.public, moved);
        },
        { code: ErrorCode.VoteNotForThisVoting },
      );
    });

    void it('openTxFile refuses a vote section whose signature covers another voting', () => {
      // Alice's vote section from voting A, pointed at voting B; the file is re-chained and its
      // file re-signed, so that only the vote signature can catch it.
      const moved = structuredClone(aliceInA);
      moved.vote!.voting = votingB.state.after;
      moved.state.after = computeAfterState(moved, c.group.secret);
      signTxFile(moved, c.app, [c.alice]);
      assert.throws(() => openTxFile(moved, { group: c.group }), {
        code: ErrorCode.VoteNotForThisVoting,
        field: 'transaction.vote.signature',
      });
    });

    void it('refuses a v1 vote (over the option alone) with LEGACY_VOTE_SIGNATURE', () => {
      const v1 = toBase64(getSuite(suite).sign(c.bob.signing, legacyVoteSigningBytes(bobInB.vote!.option)));
      const old = { ...bobInB.vote!, signature: v1 };
      assert.throws(
        () => {
          verifyVote(c.bob.public, old);
        },
        { code: ErrorCode.LegacyVoteSignature },
      );
      const file = tallyFromVoteFiles(votingB.state.after, 1_300_000, [{ vote: old, anchoredHeight: 1 }]);
      assert.deepEqual(
        tally(file).rejected.map((r) => r.code),
        [ErrorCode.LegacyVoteSignature],
      );
    });

    void it('refuses a voter whose key is unknown (NOT_A_MEMBER)', () => {
      const file = tallyFromVoteFiles(votingB.state.after, 1_300_000, [
        { vote: bobInB.vote!, anchoredHeight: 1 },
      ]);
      const result = tallyVotes(file, {
        optionHashes: optionHashesOf(votingB.voting!),
        voterKey: () => undefined,
      });
      assert.deepEqual(
        result.rejected.map((r) => r.code),
        [ErrorCode.NotAMember],
      );
    });
  });
}

void describe('vote signing bytes', () => {
  void it('are the v2 domain and three length-prefixed 64-byte hashes', () => {
    const bytes = voteSigningBytes({
      voting: 'a'.repeat(128),
      voter: 'b'.repeat(128),
      option: 'c'.repeat(128),
    });
    const expected = Buffer.concat([
      Buffer.from('anchorpost/v2/vote'),
      Buffer.from('00000040', 'hex'),
      Buffer.alloc(64, 0xaa),
      Buffer.from('00000040', 'hex'),
      Buffer.alloc(64, 0xbb),
      Buffer.from('00000040', 'hex'),
      Buffer.alloc(64, 0xcc),
    ]);
    assert.deepEqual(Buffer.from(bytes), expected);
  });

  void it('refuse a hash that is not 64 bytes', () => {
    assert.throws(
      () => voteSigningBytes({ voting: 'a'.repeat(126), voter: 'b'.repeat(128), option: 'c'.repeat(128) }),
      {
        code: ErrorCode.BadFormat,
        field: 'vote.voting',
      },
    );
  });
});
