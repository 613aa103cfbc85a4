// `anchorpost send` against a relay test double that answers validly signed receipts: the receipt
// must be for the CID of the bytes sent, with or without --relay-key.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildTxFile,
  cidForBytes,
  createGroup,
  generateIdentity,
  serializeTxFile,
} from '@anchorpost/protocol';
import { assertFailure, cli } from './cli-process.ts';
import { startRelayTestDouble, type RelayTestDouble } from './relay-test-double.ts';

describe('anchorpost send checks that the receipt is for the file sent', { timeout: 60_000 }, () => {
  let work: string;
  let file: string;
  let bytes: Uint8Array;
  let keyFile: string;
  /** Signs receipts for another file's CID. */
  let dishonest: RelayTestDouble;
  /** Signs receipts for the CID it was sent. */
  let honest: RelayTestDouble;
  let otherCid: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-send-'));
    const sender = await generateIdentity('modern');
    const { keys } = await createGroup('modern', [sender.public]);
    const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
    const build = (text: string) =>
      serializeTxFile(
        buildTxFile({
          group: keys,
          senders: [sender],
          client: sender,
          blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
          message: { data: new TextEncoder().encode(text) },
        }),
      );
    bytes = build('the file sent');
    otherCid = await cidForBytes(build('some other file'));
    file = join(work, 'tx.yaml');
    await writeFile(file, bytes);
    dishonest = await startRelayTestDouble(() => otherCid);
    honest = await startRelayTestDouble((sent) => sent);
    keyFile = join(work, 'relay-key.hex');
    await writeFile(keyFile, `${Buffer.from(dishonest.relayPublicKey).toString('hex')}\n`);
  });

  after(async () => {
    await dishonest.close();
    await honest.close();
    await rm(work, { recursive: true, force: true });
  });

  it('fails with CID_MISMATCH and exit 1 on a validly signed receipt for another CID', async () => {
    for (const extra of [['--relay-key', keyFile], [], ['--json']]) {
      const result = await cli(
        'send',
        file,
        '--relay',
        dishonest.url,
        '--api-key',
        'apk_for_the_test_double',
        ...extra,
      );
      assertFailure(result, 'CID_MISMATCH', 'receipt.cid');
      assert.ok(result.stderr.includes(otherCid), result.stderr);
      assert.ok(result.stderr.includes(await cidForBytes(bytes)), result.stderr);
      assert.equal(result.stdout, '', 'no receipt printed');
    }
    // It did send the exact bytes: the refusal is about the answer.
    assert.deepEqual(dishonest.received.at(-1), bytes);
  });

  it('accepts a receipt for the CID of the bytes sent (the double is otherwise a faithful relay)', async () => {
    const result = await cli('send', file, '--relay', honest.url, '--api-key', 'apk_for_the_test_double');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^cid ${await cidForBytes(bytes)}\\n`));
  });
});
