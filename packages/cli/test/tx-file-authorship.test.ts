// `verify --tx-file --client-key`, the check itself: the bytes must be the proof's tx-file and the
// client's signature must cover them; a harvested signature on other bytes, a v0.1 file and
// another client's key are refused with their codes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  buildTxFile,
  cidForBytes,
  createGroup,
  generateIdentity,
  serializeTxFile,
  type BuildTxFileInput,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { buildLegacyTxFile, forgeWithHarvestedSignature } from '@anchorpost/protocol/testing';
import { txFileAuthorship } from '../src/commands/tx-file-authorship.ts';

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

describe('txFileAuthorship', () => {
  let client: PrivateIdentity;
  let other: PrivateIdentity;
  let input: (text: string) => BuildTxFileInput;

  before(async () => {
    const sender = await generateIdentity('modern');
    [client, other] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
    const { keys: group } = await createGroup('modern', [sender.public]);
    input = (text) => ({
      group,
      senders: [sender],
      client,
      blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
      message: { data: new TextEncoder().encode(text) },
    });
  });

  it("reports the file's CID and its client when both check", async () => {
    const bytes = serializeTxFile(buildTxFile(input('anchored')));
    const cid = await cidForBytes(bytes);
    const report = await txFileAuthorship(cid, bytes, client.public);
    assert.match(report, new RegExp(`hashes to ${cid}`));
    assert.match(report, /its signature verifies over the file's public digest \(v0\.2/);
  });

  it("refuses bytes that are not the proof's tx-file (TX_FILE_MISMATCH)", async () => {
    const bytes = serializeTxFile(buildTxFile(input('one')));
    const proofTxFile = await cidForBytes(serializeTxFile(buildTxFile(input('another'))));
    await assert.rejects(txFileAuthorship(proofTxFile, bytes, client.public), {
      code: 'TX_FILE_MISMATCH',
      field: '--tx-file',
    });
  });

  it('refuses a file anchored under a harvested client signature (BAD_SIGNATURE)', async () => {
    const victim = serializeTxFile(buildTxFile(input('pay Bob 10')));
    const forged = forgeWithHarvestedSignature(victim, serializeTxFile(buildTxFile(input('pay Mallory'))));
    await assert.rejects(txFileAuthorship(await cidForBytes(forged), forged, client.public), {
      code: 'BAD_SIGNATURE',
      field: 'transaction.client.signature',
    });
  });

  it("refuses a v0.1 file (LEGACY_TX_FILE) and another client's key (BAD_KEY)", async () => {
    const legacy = serializeTxFile(buildLegacyTxFile(input('old')));
    await assert.rejects(txFileAuthorship(await cidForBytes(legacy), legacy, client.public), {
      code: 'LEGACY_TX_FILE',
    });
    const bytes = serializeTxFile(buildTxFile(input('mine')));
    await assert.rejects(txFileAuthorship(await cidForBytes(bytes), bytes, other.public), {
      code: 'BAD_KEY',
      field: 'transaction.client.id',
    });
  });
});
