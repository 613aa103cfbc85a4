// In-app voting's formats and vote signatures from `@anchorpost/protocol/web` (what browsers run):
// a vote signed on WebCrypto verifies with node:crypto and the reverse, one moved to another
// voting is refused with the same code on both, and the Votes file an organizer builds there
// reads back byte for byte, with no Buffer (the reader used Node's). rsa-4096 votes on WebCrypto: the
// published vectors, in the SDK's Chromium test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIdentity } from '../src/crypto/identity.ts';
import { signVote, verifyVote } from '../src/voting/vote-signature.ts';
import {
  generateIdentityWeb,
  parseVotesFile,
  serializeVotesFile,
  signVoteWeb,
  tallyFromVoteFiles,
  verifyVoteWeb,
  type SuiteName,
} from '../src/web.ts';

const hex = (c: string) => c.repeat(128);
const fields = { voting: hex('a'), voter: hex('b'), option: hex('c') };

describe('@anchorpost/protocol/web: voting', () => {
  for (const suite of ['modern'] as SuiteName[]) {
    it(`${suite}: a vote signed on WebCrypto verifies with node:crypto, and the reverse`, async () => {
      const web = await generateIdentityWeb(suite);
      const node = await generateIdentity(suite);
      verifyVote(web.public, { ...fields, signature: await signVoteWeb(web, fields) });
      await verifyVoteWeb(node.public, { ...fields, signature: signVote(node, fields) });
      // Moved to another voting: the same stable code on both.
      const moved = { ...fields, voting: hex('d'), signature: signVote(node, fields) };
      await assert.rejects(verifyVoteWeb(node.public, moved), { code: 'VOTE_NOT_FOR_THIS_VOTING' });
      assert.throws(
        () => {
          verifyVote(node.public, moved);
        },
        { code: 'VOTE_NOT_FOR_THIS_VOTING' },
      );
    });
  }

  it("builds the organizer's Votes file and reads it back, refusing a non-ASCII byte with its place", async () => {
    const web = await generateIdentityWeb('modern');
    const vote = { ...fields, signature: await signVoteWeb(web, fields) };
    const file = tallyFromVoteFiles(fields.voting, 50, [
      { vote, anchoredHeight: 49, txfile: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' },
      { vote: { ...vote, voter: hex('e') }, anchoredHeight: 51 },
    ]);
    assert.equal(file.votes.length, 1, 'the vote anchored after lastblock is not listed');
    const bytes = serializeVotesFile(file);
    assert.deepEqual(parseVotesFile(bytes, { requireCanonical: true }), file);
    const bad = Uint8Array.from([...bytes.subarray(0, 40), 0xe9, ...bytes.subarray(41)]);
    assert.throws(() => parseVotesFile(bad), { code: 'BAD_VOTES_FILE', message: /byte 0xe9 at line 2/ });
  });
});
