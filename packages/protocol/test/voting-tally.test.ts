import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import type { TxVote } from '../src/tx-file/schema.ts';
import {
  optionHashesOf,
  parseVotesFile,
  serializeVotesFile,
  tallyFromVoteFiles,
  tallyVotes,
  voteSigningBytes,
} from '../src/voting/index.ts';
import type { CollectedVote, VotesFile, VotesFileVote } from '../src/voting/index.ts';
import { votingCid } from '../scripts/voting-vectors.ts';

const H = (c: string): string => c.repeat(128);
const SIG = (n: number): string => Buffer.alloc(64, n).toString('base64');
const VOTING = H('f');
const A = H('a');
const B = H('b');
const C = H('c');
const OPTIONS = [A, B, C];

const v = (option: string, voter: string, sig = 1): VotesFileVote => ({
  option,
  publickey: H(voter),
  signature: SIG(sig),
});
const file = (votes: VotesFileVote[]): VotesFile => ({
  version: '0.1',
  voting: VOTING,
  lastblock: 100,
  votes,
});

function expectError(run: () => unknown, code: string, field: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, String(error));
    assert.deepEqual({ code: error.code, field: error.field }, { code, field }, error.message);
    return true;
  });
}

void describe('tallyVotes', () => {
  void it('counts a hand-computed example', () => {
    // Voters 1..6. Voter 3 votes b then a: 'a…' < 'b…', so the a vote counts and b is the duplicate.
    // Voter 5 votes for an option that does not exist (d) and then for c: the unknown vote does not
    // use up the voter's vote, so c counts. Voter 6 votes a twice with different signatures.
    const votes = [
      v(A, '1'), //      0: counts a
      v(B, '2'), //      1: counts b
      v(B, '3'), //      2: duplicate (3's a vote sorts first)
      v(A, '3'), //      3: counts a
      v(H('d'), '5'), // 4: unknown option
      v(C, '5'), //      5: counts c
      v(A, '6', 2), //   6: duplicate (signature AgIC… sorts after AQEB…)
      v(A, '6', 1), //   7: counts a
      v(C, '4'), //      8: counts c
    ];
    const result = tallyVotes(file(votes), { optionHashes: OPTIONS });
    assert.deepEqual(result, {
      voting: VOTING,
      lastblock: 100,
      totals: { [A]: 3, [B]: 1, [C]: 2 },
      counted: 6,
      rejected: [
        { index: 2, publickey: H('3'), reason: 'duplicate-voter' },
        { index: 4, publickey: H('5'), reason: 'unknown-option' },
        { index: 6, publickey: H('6'), reason: 'duplicate-voter' },
      ],
    });
    assert.deepEqual(Object.keys(result.totals), OPTIONS, 'totals follow optionHashes order');
  });

  void it('lists every option, zeros included, and counts nothing in an empty file', () => {
    assert.deepEqual(tallyVotes(file([]), { optionHashes: [C, A] }), {
      voting: VOTING,
      lastblock: 100,
      totals: { [C]: 0, [A]: 0 },
      counted: 0,
      rejected: [],
    });
  });

  void it('rejects every vote when the voting has no options', () => {
    const result = tallyVotes(file([v(A, '1'), v(B, '2')]), { optionHashes: [] });
    assert.deepEqual(result.totals, {});
    assert.equal(result.counted, 0);
    assert.deepEqual(
      result.rejected.map((r) => r.reason),
      ['unknown-option', 'unknown-option'],
    );
  });

  void it('gives the same totals and the same rejected votes whatever the order in the file', () => {
    const votes = [v(B, '3'), v(A, '3'), v(C, '1'), v(H('d'), '2'), v(B, '2'), v(A, '1', 7), v(C, '4')];
    const key = (f: VotesFile, index: number): string => JSON.stringify(f.votes[index]);
    const reference = tallyVotes(file(votes), { optionHashes: OPTIONS });
    const referenceRejected = reference.rejected.map((r) => `${key(file(votes), r.index)}:${r.reason}`);
    for (let shift = 1; shift < votes.length; shift++) {
      const rotated = file([...votes.slice(shift), ...votes.slice(0, shift)]);
      const result = tallyVotes(rotated, { optionHashes: OPTIONS });
      assert.deepEqual(result.totals, reference.totals);
      assert.equal(result.counted, reference.counted);
      assert.deepEqual(
        result.rejected.map((r) => `${key(rotated, r.index)}:${r.reason}`),
        referenceRejected,
      );
    }
    // And through the canonical bytes: the indexes are then the canonical positions.
    const reparsed = parseVotesFile(serializeVotesFile(file(votes)));
    assert.deepEqual(tallyVotes(reparsed, { optionHashes: OPTIONS }).totals, reference.totals);
  });

  void it('rejects what verify refuses; a refused vote does not use up the voter', () => {
    const votes = [v(A, '1', 9), v(B, '1', 1), v(C, '2', 9), v(C, '3', 1)];
    const seen: number[] = [];
    const result = tallyVotes(file(votes), {
      optionHashes: OPTIONS,
      verify: (vote, index, signingBytes) => {
        seen.push(index);
        assert.deepEqual(vote, votes[index]);
        assert.deepEqual(
          signingBytes,
          voteSigningBytes({ voting: VOTING, voter: vote.publickey, option: vote.option }),
          'verify is given the signing bytes of this voting and this voter',
        );
        return vote.signature !== SIG(9);
      },
    });
    assert.deepEqual(result.totals, { [A]: 0, [B]: 1, [C]: 1 });
    assert.deepEqual(result.rejected, [
      { index: 0, publickey: H('1'), reason: 'bad-signature', code: 'VOTE_NOT_FOR_THIS_VOTING' },
      { index: 2, publickey: H('2'), reason: 'bad-signature', code: 'VOTE_NOT_FOR_THIS_VOTING' },
    ]);
    assert.deepEqual(seen, [0, 1, 2, 3], 'verify is called in canonical order');
  });

  void it('does not call verify for unknown options, and duplicates are still rejected when verified', () => {
    const calls: string[] = [];
    const result = tallyVotes(file([v(H('d'), '1'), v(A, '1'), v(B, '1')]), {
      optionHashes: OPTIONS,
      verify: (vote) => {
        calls.push(vote.option[0]!);
        return true;
      },
    });
    assert.deepEqual(calls, ['a', 'b']);
    assert.deepEqual(
      result.rejected.map((r) => [r.index, r.reason]),
      [
        [2, 'duplicate-voter'],
        [0, 'unknown-option'],
      ],
    );
  });

  void it('lets verify exceptions through', () => {
    assert.throws(
      () =>
        tallyVotes(file([v(A, '1')]), {
          optionHashes: OPTIONS,
          verify: () => {
            throw new Error('no key');
          },
        }),
      /no key/,
    );
  });

  void it('refuses a malformed file or malformed option hashes', () => {
    expectError(
      () => tallyVotes(file([v(A, '1'), { ...v(A, '2'), publickey: 'x' }]), { optionHashes: OPTIONS }),
      ErrorCode.BadFormat,
      'votes.vote[1].publickey',
    );
    expectError(
      () => tallyVotes(file([]), { optionHashes: [A, A.toUpperCase()] }),
      ErrorCode.BadFormat,
      'optionHashes[1]',
    );
    expectError(
      () => tallyVotes(file([]), { optionHashes: [A, B, A] }),
      ErrorCode.DuplicateEntry,
      'optionHashes[2]',
    );
  });
});

void describe('optionHashesOf', () => {
  void it("returns the options' title hashes in order", () => {
    const sealed = (hash: string): { ciphertext: string; sha512hash: string } => ({
      ciphertext: 'AA==',
      sha512hash: hash,
    });
    assert.deepEqual(
      optionHashesOf({ option: [{ title: sealed(B) }, { title: sealed(A), description: sealed(C) }] }),
      [B, A],
    );
  });
});

void describe('tallyFromVoteFiles', () => {
  const txVote = (option: string, voter: string, voting = VOTING): TxVote => ({
    voting,
    option,
    voter: H(voter),
    signature: SIG(1),
  });
  const at = (vote: TxVote, anchoredHeight: number, txfile?: string): CollectedVote =>
    txfile === undefined ? { vote, anchoredHeight } : { vote, anchoredHeight, txfile };

  void it('keeps the votes for this voting anchored at or below lastblock, in canonical order', () => {
    const cid = votingCid('3');
    const result = tallyFromVoteFiles(VOTING, 100, [
      at(txVote(B, '3'), 100, cid), // kept: exactly lastblock
      at(txVote(A, '1'), 0), //        kept
      at(txVote(A, '2'), 101), //      too late
      at(txVote(A, '4', H('e')), 5), // another voting
      at(txVote(C, '1'), 50), //       kept: the tally decides about duplicate voters
      at(txVote(H('d'), '5'), 50), //  kept: the tally decides about unknown options
    ]);
    assert.deepEqual(result, {
      version: '0.1',
      voting: VOTING,
      lastblock: 100,
      votes: [
        { option: A, publickey: H('1'), signature: SIG(1) },
        { option: C, publickey: H('1'), signature: SIG(1) },
        { option: B, publickey: H('3'), signature: SIG(1), txfile: cid },
        { option: H('d'), publickey: H('5'), signature: SIG(1) },
      ],
    });
    assert.deepEqual(parseVotesFile(serializeVotesFile(result), { requireCanonical: true }), result);
    const tally = tallyVotes(result, { optionHashes: OPTIONS });
    assert.deepEqual(tally.totals, { [A]: 1, [B]: 1, [C]: 0 });
    assert.deepEqual(
      tally.rejected.map((r) => r.reason),
      ['duplicate-voter', 'unknown-option'],
    );
  });

  void it('skips malformed sections and bad heights, and drops exact duplicates', () => {
    const good = txVote(A, '1');
    const result = tallyFromVoteFiles(VOTING, 100, [
      at(good, 10),
      at(good, 20), // the same vote again (the same transaction-file seen twice)
      at(good, 10, votingCid('other')), // a different transaction-file: kept
      at({ ...txVote(A, '2'), signature: 'not base64' }, 10),
      at({ ...txVote(A, '3'), option: A.toUpperCase() }, 10),
      at(txVote(A, '4'), 10, 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'),
      at(txVote(A, '5'), -1),
      at(txVote(A, '6'), Number.NaN),
      at(txVote(A, '7'), 1.5),
    ]);
    assert.deepEqual(result.votes, [
      { option: A, publickey: H('1'), signature: SIG(1) },
      { option: A, publickey: H('1'), signature: SIG(1), txfile: votingCid('other') },
    ]);
  });

  void it('refuses a bad voting hash or lastblock', () => {
    expectError(() => tallyFromVoteFiles('abc', 1, []), ErrorCode.BadFormat, 'votingAfter');
    expectError(() => tallyFromVoteFiles(VOTING, -1, []), ErrorCode.OutOfRange, 'lastblock');
    expectError(() => tallyFromVoteFiles(VOTING, 2 ** 53, []), ErrorCode.OutOfRange, 'lastblock');
  });
});
