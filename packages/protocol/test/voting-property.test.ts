import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { fromBase64, toBase64, toHex } from '../src/bytes.ts';
import { ProtocolError } from '../src/errors.ts';
import {
  canonicalizeVotesFile,
  parseVotesFile,
  serializeVotesFile,
  tallyVotes,
} from '../src/voting/index.ts';
import type { VotesFile, VotesFileVote } from '../src/voting/index.ts';

const hex128 = fc.uint8Array({ minLength: 64, maxLength: 64 }).map(toHex);
/** Few distinct values, so that duplicate voters, shared options and equal votes happen often. */
const pooledHex128 = fc.oneof(hex128, fc.constantFrom('0'.repeat(128), 'a'.repeat(128), 'f'.repeat(128)));
const signature = fc.uint8Array({ minLength: 1, maxLength: 600 }).map(toBase64);
const cid = fc
  .tuple(fc.constantFrom(0x55, 0x70, 0x71, 0x0129), fc.uint8Array({ minLength: 32, maxLength: 32 }))
  .map(([codec, digest]) => CID.createV1(codec, Digest.create(0x12, digest)).toString());

const vote: fc.Arbitrary<VotesFileVote> = fc.record(
  { option: pooledHex128, publickey: pooledHex128, signature, txfile: cid },
  { requiredKeys: ['option', 'publickey', 'signature'] },
);

const votesFile: fc.Arbitrary<VotesFile> = fc.record({
  version: fc.constant('0.1' as const),
  voting: hex128,
  lastblock: fc.oneof(fc.nat(), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER)),
  votes: fc.array(vote, { maxLength: 25 }),
});

void describe('Votes file properties', () => {
  void it('serialize → parse gives the file back (votes in canonical order), and it is canonical', () => {
    fc.assert(
      fc.property(votesFile, (file) => {
        const bytes = serializeVotesFile(file);
        const parsed = parseVotesFile(bytes, { requireCanonical: true });
        assert.deepEqual(parsed, canonicalizeVotesFile(file));
        assert.deepEqual(serializeVotesFile(parsed), bytes);
      }),
      { numRuns: 300 },
    );
  });

  void it('the bytes do not depend on the order of the votes', () => {
    fc.assert(
      fc.property(votesFile, fc.array(fc.nat()), (file, keys) => {
        const order = file.votes.map((v, i) => ({ v, k: keys[i % Math.max(keys.length, 1)] ?? 0, i }));
        order.sort((a, b) => a.k - b.k || b.i - a.i);
        const permuted = { ...file, votes: order.map(({ v }) => v) };
        assert.deepEqual(serializeVotesFile(permuted), serializeVotesFile(file));
      }),
      { numRuns: 200 },
    );
  });

  void it('the tally accounts for every vote and does not depend on vote order', () => {
    fc.assert(
      fc.property(votesFile, fc.array(pooledHex128, { maxLength: 4 }), (file, options) => {
        const optionHashes = [...new Set(options)];
        const result = tallyVotes(file, { optionHashes });
        const sum = Object.values(result.totals).reduce((a, b) => a + b, 0);
        assert.equal(sum, result.counted);
        assert.equal(result.counted + result.rejected.length, file.votes.length);
        assert.deepEqual(Object.keys(result.totals), optionHashes);
        const counted = new Set(
          file.votes.map((v) => v.publickey).filter((_, i) => !result.rejected.some((r) => r.index === i)),
        );
        assert.equal(counted.size, result.counted, 'at most one counted vote per voter');
        const reversed = tallyVotes({ ...file, votes: [...file.votes].reverse() }, { optionHashes });
        assert.deepEqual(reversed.totals, result.totals);
      }),
      { numRuns: 300 },
    );
  });

  void it('corrupted files are accepted or rejected with a ProtocolError, never anything else', () => {
    fc.assert(
      fc.property(
        votesFile,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'<>/?!&;="\' \n-[]AZaz09+=x\u0000\u00ff'.split(''))), {
          minLength: 1,
          maxLength: 4,
        }),
        (file, edits) => {
          const bytes = serializeVotesFile(file);
          const text = new TextDecoder().decode(bytes).split('');
          for (const [at, char] of edits) text[at % text.length] = char;
          try {
            parseVotesFile(new TextEncoder().encode(text.join('')));
          } catch (error) {
            assert.ok(error instanceof ProtocolError, String(error));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  void it('signature checking agrees with bytes.fromBase64 on short strings', () => {
    const base = { version: '0.1' as const, voting: 'f'.repeat(128), lastblock: 1 };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgw+/=x'.split('')), maxLength: 12 }), (text) => {
        let expected = text.length > 0;
        try {
          fromBase64(text);
        } catch {
          expected = false;
        }
        let actual = true;
        try {
          serializeVotesFile({
            ...base,
            votes: [{ option: 'a'.repeat(128), publickey: 'b'.repeat(128), signature: text }],
          });
        } catch (error) {
          assert.ok(error instanceof ProtocolError);
          actual = false;
        }
        assert.equal(actual, expected, JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });
});
