/**
 * TxFileParsing: a worker thread gives the same rows as the inline parse, and the same
 * ProtocolError (code, field) for a file that is not a tx-file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  ProtocolError,
  serializeTxFile,
} from '@anchorpost/protocol';
import { TxFileParsing } from '../src/tx-file-parsing.ts';

async function txFiles(count: number): Promise<Uint8Array[]> {
  const [alice, app] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
  const { keys } = await createGroup('modern', [alice.public]);
  return Array.from({ length: count }, (_, i) =>
    serializeTxFile(
      buildTxFile({
        group: keys,
        senders: [alice],
        client: app,
        blockchain: {
          lastblock: { height: 1000 + i, signature: 'a'.repeat(64) },
          trustedblock: { height: 990, signature: 'b'.repeat(64) },
        },
        message: { data: new TextEncoder().encode(`message ${i}`) },
      }),
    ),
  );
}

async function outcome(parsing: TxFileParsing, bytes: Uint8Array, position: number) {
  try {
    return await parsing.record({ cid: `cid-${position}`, bytes, batchSequence: 7, position });
  } catch (error) {
    assert.ok(error instanceof ProtocolError, String(error));
    return { code: error.code, field: error.field };
  }
}

describe('TxFileParsing', () => {
  it('parses on a thread exactly as inline: rows, and refusals with the same code and field', async () => {
    const files = await txFiles(100);
    // A view into a larger buffer, as a network chunk hands it out.
    const padded = new Uint8Array(files[0]!.byteLength + 10);
    padded.set(files[0]!, 5);
    const inputs = [
      ...files,
      padded.subarray(5, 5 + files[0]!.byteLength),
      new TextEncoder().encode('not: [yaml'),
    ];
    const inline = new TxFileParsing(0);
    const threaded = new TxFileParsing(1);
    try {
      const expected = await Promise.all(inputs.map((bytes, i) => outcome(inline, bytes, i)));
      const actual = await Promise.all(inputs.map((bytes, i) => outcome(threaded, bytes, i)));
      assert.deepEqual(actual, expected);
      assert.equal(threaded.runningThreads, 1);
      assert.equal(inline.runningThreads, 0);
      assert.ok('code' in expected.at(-1)!, 'the last one is refused');
    } finally {
      await threaded.close();
    }
    await assert.rejects(
      threaded.record({ cid: 'x', bytes: files[0]!, batchSequence: 0, position: 0 }),
      /closed/,
    );
  });
});
