import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  parseCanonicalTxFile,
  serializeTxFile,
} from '../src/index.ts';
import { ProtocolError } from '../src/errors.ts';
import { malformedTxFiles } from '../src/testing/index.ts';

describe('malformedTxFiles', () => {
  it("gives samples that parseCanonicalTxFile (the relay's reader) refuses with exactly the stated code and field", async () => {
    const sender = await generateIdentity('modern');
    const { keys } = await createGroup('modern', [sender.public]);
    const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
    const valid = serializeTxFile(
      buildTxFile({
        group: keys,
        senders: [sender],
        client: sender,
        blockchain: { lastblock: block(10, 'a'), trustedblock: block(1, 'b') },
        message: { data: new TextEncoder().encode('hi') },
      }),
    );
    parseCanonicalTxFile(valid);
    const cases = malformedTxFiles(valid);
    assert.ok(cases.length >= 8);
    for (const c of cases) {
      assert.throws(
        () => parseCanonicalTxFile(c.bytes),
        (error: unknown) =>
          error instanceof ProtocolError &&
          error.code === c.code &&
          (c.field === undefined || error.field === c.field),
        c.name,
      );
    }
  });
});
