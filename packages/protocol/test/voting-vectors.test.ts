import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ProtocolError } from '../src/errors.ts';
import { parseVotesFile, serializeVotesFile, tallyVotes } from '../src/voting/index.ts';
import type { ParseVotesFileOptions, TallyResult, VotesFile } from '../src/voting/index.ts';
import { VOTING_VECTORS_PATH, votingVectorsJson } from '../scripts/voting-vectors.ts';

interface Vectors {
  name: string;
  version: number;
  description: string;
  valid: Array<{
    name: string;
    xml: string;
    canonical: boolean;
    file: VotesFile;
    optionHashes: string[];
    badSignatures?: string[];
    tally: TallyResult;
  }>;
  invalid: Array<{ name: string; xml: string; options?: ParseVotesFileOptions; code: string; field: string }>;
}

const text = readFileSync(VOTING_VECTORS_PATH, 'utf8');
const vectors = JSON.parse(text) as Vectors;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

void describe('voting-v1.json test vectors', () => {
  void it('has the header and is what scripts/voting-vectors.ts generates', () => {
    assert.equal(vectors.name, 'voting');
    assert.equal(vectors.version, 1);
    assert.ok(vectors.description.length > 0);
    assert.equal(text, votingVectorsJson(), 'regenerate with: node scripts/voting-vectors.ts');
  });

  for (const vector of vectors.valid) {
    void it(`valid: ${vector.name}`, () => {
      const parsed = parseVotesFile(utf8(vector.xml), { requireCanonical: vector.canonical });
      assert.deepEqual(parsed, vector.file);
      const bytes = serializeVotesFile(vector.file);
      if (vector.canonical) assert.equal(new TextDecoder().decode(bytes), vector.xml);
      else assert.notEqual(new TextDecoder().decode(bytes), vector.xml);
      const bad = new Set(vector.badSignatures ?? []);
      const tally = tallyVotes(parsed, {
        optionHashes: vector.optionHashes,
        verify: (vote) => !bad.has(vote.signature),
      });
      assert.deepEqual(tally, vector.tally);
    });
  }

  for (const vector of vectors.invalid) {
    void it(`invalid: ${vector.name} → ${vector.code} ${vector.field}`, () => {
      assert.throws(
        () => parseVotesFile(utf8(vector.xml), vector.options),
        (error: unknown) => {
          assert.ok(error instanceof ProtocolError, String(error));
          assert.deepEqual(
            { code: error.code, field: error.field },
            { code: vector.code, field: vector.field },
            error.message,
          );
          return true;
        },
      );
    });
  }
});
