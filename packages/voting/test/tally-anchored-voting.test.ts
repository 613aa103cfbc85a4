// The recount from anchored data, one rule per test: each builds the case the rule is for and sees
// the vote rejected (or the Votes file flagged) with its stable code. Every case runs twice: on
// node:crypto (`tallyAnchoredVoting`) and on WebCrypto (`tallyAnchoredVotingWeb`, the browser
// entry's), the same rules as the protocol engine's steps.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseTxFile, tallyFromVoteFiles, type TxFile } from '@anchorpost/protocol';
import {
  tallyAnchoredVoting,
  tallyAnchoredVotingWeb,
  type AnchoredTally,
  type AnchoredVotingInput,
  VoteRejectionCode,
  VotesFileFindingCode,
  VotingError,
  VotingErrorCode,
  type AnchoredTxFile,
} from '../src/index.ts';
import {
  anchored,
  copiedVoteTx,
  fingerprint,
  honestVotesFile,
  voteTx,
  votesTx,
  votingTx,
  votingWorld,
  type VotingWorld,
} from './voting-fixture.ts';

let world: VotingWorld;
let voting: TxFile;
let votingFile: AnchoredTxFile;

before(async () => {
  world = await votingWorld();
  voting = votingTx(world, 50);
  votingFile = await anchored(voting, 10);
});

const runtimes: Array<[string, (input: AnchoredVotingInput) => Promise<AnchoredTally>]> = [
  [
    'tallyAnchoredVoting (node:crypto)',
    (input) =>
      new Promise((resolve) => {
        resolve(tallyAnchoredVoting(input));
      }),
  ],
  ['tallyAnchoredVotingWeb (WebCrypto)', tallyAnchoredVotingWeb],
];

const totalsOf = (result: AnchoredTally) =>
  Object.fromEntries(result.totals.map((total) => [total.title, total.votes]));

for (const [runtime, recount] of runtimes) {
  const tally = (files: AnchoredTxFile[]) =>
    recount({
      group: world.keys,
      members: world.members,
      voting: votingFile.cid,
      files: [votingFile, ...files],
    });

  describe(runtime, () => {
    it('counts one vote per member and finds an honest Votes file consistent', async () => {
      const votes = [
        await anchored(voteTx(world, world.alice, voting, 'Pizza'), 20),
        await anchored(voteTx(world, world.bob, voting, 'Sushi'), 21),
        await anchored(voteTx(world, world.carol, voting, 'Pizza'), 50),
      ];
      const close = await anchored(votesTx(world, honestVotesFile(voting, votes, parseTxFile)), 60);
      const result = await tally([...votes, close]);
      assert.deepEqual(totalsOf(result), { Pizza: 2, Sushi: 1 });
      assert.deepEqual(result.rejected, []);
      assert.equal(result.voting.lastblock, 50);
      assert.equal(result.voting.organizer, fingerprint(world.organizer.public));
      assert.equal(result.voting.question, 'Lunch on Friday?');
      assert.deepEqual(result.votesFile, { status: 'consistent', cid: close.cid, listed: 3, findings: [] });
    });

    it('counts a double vote once: the earlier anchored one, whatever its option', async () => {
      // Sushi is the later vote but may well have the smaller option hash: anchoring order decides.
      const first = await anchored(voteTx(world, world.alice, voting, 'Pizza'), 20, 5);
      const second = await anchored(voteTx(world, world.alice, voting, 'Sushi'), 20, 6);
      for (const files of [
        [first, second],
        [second, first],
      ]) {
        const result = await tally(files);
        assert.deepEqual(totalsOf(result), { Pizza: 1, Sushi: 0 });
        assert.equal(result.rejected.length, 1);
        assert.equal(result.rejected[0]!.cid, second.cid);
        assert.equal(result.rejected[0]!.code, VoteRejectionCode.DoubleVote);
        assert.equal(result.rejected[0]!.counted, first.cid);
      }
    });

    it('rejects a vote anchored after the deadline block, and counts one anchored in it', async () => {
      const inTime = await anchored(voteTx(world, world.alice, voting, 'Pizza'), 50);
      const late = await anchored(voteTx(world, world.bob, voting, 'Sushi'), 51);
      const result = await tally([inTime, late]);
      assert.deepEqual(totalsOf(result), { Pizza: 1, Sushi: 0 });
      assert.deepEqual(
        result.rejected.map((r) => [r.cid, r.code]),
        [[late.cid, VoteRejectionCode.LateVote]],
      );
    });

    it('rejects a vote for an option the voting does not have', async () => {
      const unknown = await anchored(voteTx(world, world.alice, voting, 'Tacos'), 20);
      const result = await tally([unknown]);
      assert.equal(result.rejected[0]!.code, VoteRejectionCode.UnknownOption);
      assert.deepEqual(totalsOf(result), { Pizza: 0, Sushi: 0 });
    });

    it('rejects a vote whose signature was copied from another voting, and it does not use up the vote', async () => {
      const other = votingTx(world, 50, ['Pizza', 'Sushi', 'Salad']);
      const copied = await anchored(copiedVoteTx(world, world.alice, voting, other, 'Sushi'), 20);
      const own = await anchored(voteTx(world, world.alice, voting, 'Pizza'), 30);
      const result = await tally([copied, own]);
      assert.deepEqual(
        result.rejected.map((r) => [r.cid, r.code]),
        [[copied.cid, VoteRejectionCode.VoteNotForThisVoting]],
      );
      assert.deepEqual(totalsOf(result), { Pizza: 1, Sushi: 0 });
    });

    it("ignores the votes of another voting of the group: they are that voting's", async () => {
      const other = votingTx(world, 50);
      const result = await tally([await anchored(voteTx(world, world.alice, other, 'Pizza'), 20)]);
      assert.deepEqual(result.rejected, []);
      assert.equal(result.counted.length, 0);
    });

    it('rejects a vote from someone who holds the group keys but is not in the bundle', async () => {
      const result = await tally([await anchored(voteTx(world, world.outsider, voting, 'Pizza'), 20)]);
      assert.equal(result.rejected[0]!.code, VoteRejectionCode.NotAMember);
      assert.equal(result.rejected[0]!.voter, fingerprint(world.outsider.public));
      assert.deepEqual(totalsOf(result), { Pizza: 0, Sushi: 0 });
    });

    it('detects a Votes file that omits an anchored vote', async () => {
      const votes = [
        await anchored(voteTx(world, world.alice, voting, 'Pizza'), 20),
        await anchored(voteTx(world, world.bob, voting, 'Sushi'), 21),
      ];
      const omitting = honestVotesFile(voting, votes.slice(0, 1), parseTxFile);
      const result = await tally([...votes, await anchored(votesTx(world, omitting), 60)]);
      assert.equal(result.votesFile.status, 'inconsistent');
      assert.deepEqual(
        result.votesFile.findings.map((f) => [f.code, f.vote?.cid]),
        [[VotesFileFindingCode.OmitsVote, votes[1]!.cid]],
      );
      // The recount does not depend on the Votes file: Bob's vote counts.
      assert.deepEqual(totalsOf(result), { Pizza: 1, Sushi: 1 });
    });

    it('detects a Votes file that lists a vote that is not anchored, or one copied from another voting', async () => {
      const votes = [await anchored(voteTx(world, world.alice, voting, 'Pizza'), 20)];
      const unsent = await anchored(voteTx(world, world.bob, voting, 'Sushi'), 21);
      const other = votingTx(world, 50);
      const fromOther = await anchored(voteTx(world, world.carol, other, 'Pizza'), 22);
      const padded = honestVotesFile(voting, [...votes, unsent], parseTxFile);
      const copied = parseTxFile(fromOther.bytes).vote!;
      padded.votes.push({ option: copied.option, publickey: copied.voter, signature: copied.signature });
      const result = await tally([...votes, fromOther, await anchored(votesTx(world, padded), 60)]);
      assert.deepEqual(
        result.votesFile.findings.map((f) => f.code),
        [VotesFileFindingCode.ExtraVote, VotesFileFindingCode.ExtraVote],
      );
      assert.deepEqual(
        result.votesFile.findings.map((f) => f.vote?.publickey).sort(),
        [parseTxFile(unsent.bytes).vote!.voter, copied.voter].sort(),
      );
    });

    it('detects a Votes file that lists a late vote or names another deadline', async () => {
      const late = await anchored(voteTx(world, world.alice, voting, 'Pizza'), 51);
      // Listed as if the deadline were block 99.
      const listed = tallyFromVoteFiles(voting.state.after, 99, [
        { vote: parseTxFile(late.bytes).vote!, anchoredHeight: 51, txfile: late.cid },
      ]);
      const result = await tally([late, await anchored(votesTx(world, listed), 60)]);
      assert.deepEqual(
        result.votesFile.findings.map((f) => f.code),
        [VotesFileFindingCode.HeaderMismatch, VotesFileFindingCode.ExtraVote],
      );
    });

    it('says when no Votes file is anchored, and ignores one from another sender', async () => {
      const votes = [await anchored(voteTx(world, world.alice, voting, 'Pizza'), 20)];
      assert.equal((await tally(votes)).votesFile.status, 'missing');
      assert.equal((await tally(votes)).votesFile.findings[0]!.code, VotesFileFindingCode.Missing);
      const forged = votesTx({ ...world, organizer: world.bob }, honestVotesFile(voting, votes, parseTxFile));
      assert.equal((await tally([...votes, await anchored(forged, 60)])).votesFile.status, 'missing');
    });

    it('refuses to tally a voting that is not anchored, or a file that is no voting', async () => {
      const vote = await anchored(voteTx(world, world.alice, voting, 'Pizza'), 20);
      const refused = async (voting: string, code: string) => {
        await assert.rejects(
          recount({ group: world.keys, members: world.members, voting, files: [vote] }),
          (error: unknown) => error instanceof VotingError && error.code === code,
        );
      };
      await refused(votingFile.cid, VotingErrorCode.VotingNotAnchored);
      await refused(vote.cid, VotingErrorCode.NotAVoting);
    });
  });
}
