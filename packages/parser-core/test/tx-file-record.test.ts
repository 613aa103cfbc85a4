// The index row of a tx-file: v0.2 files and the v0.1 files already anchored are indexed alike
// (the relay refuses new v0.1 files, but the chain holds old ones).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTxFile, createGroup, generateIdentity, serializeTxFile } from '@anchorpost/protocol';
import type { BuildTxFileInput } from '@anchorpost/protocol';
import { buildLegacyTxFile } from '@anchorpost/protocol/testing';
import { toTxFileRecord } from '../src/tx-file-record.ts';

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

describe('toTxFileRecord', () => {
  it('indexes a v0.2 file and a v0.1 file by the same fields', async () => {
    const [sender, client] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
    const { keys: group } = await createGroup('modern', [sender.public]);
    const input: BuildTxFileInput = {
      group,
      senders: [sender],
      client,
      blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
      message: { data: new TextEncoder().encode('indexed') },
    };
    for (const tx of [buildTxFile(input), buildLegacyTxFile(input)]) {
      const bytes = serializeTxFile(tx);
      const row = toTxFileRecord('bafkreiexample', bytes, 7, 3);
      assert.deepEqual(
        row,
        {
          cid: 'bafkreiexample',
          batchSequence: 7,
          batchIndex: 3,
          recipientHash: tx.recipient.sha512hash,
          senderHashes: [tx.sender[0]!.sha512hash],
          clientId: tx.client.id,
          suite: 'modern',
          stateBefore: tx.state.before,
          stateAfter: tx.state.after,
          size: bytes.byteLength,
          lastblockHeight: 1_204_331,
          trustedblockHeight: 1_204_321,
          trustedblockId: 'b'.repeat(64),
        },
        `v${tx.version}`,
      );
    }
  });
});
