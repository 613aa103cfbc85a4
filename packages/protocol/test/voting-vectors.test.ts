import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ProtocolError } from '../src/errors.ts';
import { createHash } from 'node:crypto';
import { publicKeyBytes } from '../src/crypto/identity.ts';
import { hmacHex } from '../src/tx-file/state.ts';
import {
  parseVotesFile,
  serializeVotesFile,
  tallyVotes,
  verifyVote,
  voteSigningBytes,
} from '../src/voting/index.ts';
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
  signatures: {
    cases: Array<{
      suite: 'modern' | 'rsa-4096';
      voterKey: { encryption: string; signing: string };
      groupSecret: string;
      optionTitle: string;
      voting: string;
      option: string;
      voter: string;
      signingBytes: string;
      signingBytesSha512: string;
      signature: string;
      refused: Array<{
        name: string;
        voting: string;
        voter: string;
        option: string;
        signature: string;
        code: string;
      }>;
    }>;
  };
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

  for (const vector of vectors.signatures.cases) {
    void it(`signatures: ${vector.suite}`, () => {
      const key = {
        suite: vector.suite,
        encryption: new Uint8Array(Buffer.from(vector.voterKey.encryption, 'base64')),
        signing: new Uint8Array(Buffer.from(vector.voterKey.signing, 'base64')),
      };
      const secret = new Uint8Array(Buffer.from(vector.groupSecret, 'hex'));
      assert.equal(hmacHex(secret, publicKeyBytes(key)), vector.voter);
      assert.equal(hmacHex(secret, utf8(vector.optionTitle)), vector.option);
      const bytes = voteSigningBytes(vector);
      assert.equal(Buffer.from(bytes).toString('hex'), vector.signingBytes);
      assert.equal(createHash('sha512').update(bytes).digest('hex'), vector.signingBytesSha512);
      verifyVote(key, vector);
      assert.ok(vector.refused.length >= 4);
      for (const refused of vector.refused) {
        assert.throws(
          () => {
            verifyVote(key, refused);
          },
          { code: refused.code },
          refused.name,
        );
      }
    });
  }
});
