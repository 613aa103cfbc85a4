import assert from 'node:assert/strict';
import { it } from 'node:test';
import { batchSealed, txFileAccepted, type TxFileAccepted } from '../src/index.ts';

const cid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const accepted: TxFileAccepted = {
  cid,
  recipientHash: 'ab'.repeat(64),
  receipt: {
    version: 1,
    cid,
    recipientHash: 'ab'.repeat(64),
    acceptedAt: '2026-11-22T04:40:00.000Z',
    sequence: 7,
    relayKeyId: 'cd'.repeat(32),
    signature: 'c2lnbmF0dXJl',
  },
  txFile: new Uint8Array([1, 2, 3]),
};

it('round-trips tx-file.accepted and keys it by recipient hash', () => {
  assert.deepEqual(txFileAccepted.decode(txFileAccepted.encode(accepted)), accepted);
  assert.equal(txFileAccepted.key(accepted), accepted.recipientHash);
});

it("round-trips a peer platform's file with its origin, and leaves the key out for our own", () => {
  const inbound = { ...accepted, origin: 'platform-b' };
  assert.deepEqual(txFileAccepted.decode(txFileAccepted.encode(inbound)), inbound);
  assert.ok(!('origin' in JSON.parse(new TextDecoder().decode(txFileAccepted.encode(accepted)))));
  assert.throws(() => txFileAccepted.decode(txFileAccepted.encode({ ...accepted, origin: 'no spaces' })), {
    code: 'BAD_EVENT',
  });
});

it('refuses records that are not the event, as non-retryable BAD_EVENT', () => {
  const bad = [
    new Uint8Array([0xff]),
    new TextEncoder().encode('[]'),
    txFileAccepted.encode({ ...accepted, cid: 'not-a-cid' }),
    txFileAccepted.encode({
      ...accepted,
      receipt: { ...accepted.receipt, cid: 'bafkreicjtfcgdvvumoipafgiyutvvbmr56dwi5qk7yttttxch5x34kcxpa' },
    }),
    new TextEncoder().encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(txFileAccepted.encode(accepted))), extra: 1 }),
    ),
    new TextEncoder().encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(txFileAccepted.encode(accepted))),
        receipt: { ...accepted.receipt, version: 2 },
      }),
    ),
  ];
  for (const bytes of bad)
    assert.throws(() => txFileAccepted.decode(bytes), { code: 'BAD_EVENT', retryable: false });
});

it('round-trips batch.sealed, first batch included', () => {
  const event = {
    platform: 'anchorpost-dev',
    sequence: 0,
    batchCid: cid,
    previousCid: null,
    merkleRoot: 'ef'.repeat(32),
    count: 3,
    sealedAt: '2026-11-22T04:41:00.000Z',
    sealedOffsets: { '0': 12, '3': 4 },
  };
  assert.deepEqual(batchSealed.decode(batchSealed.encode(event)), event);
  assert.throws(() => batchSealed.decode(batchSealed.encode({ ...event, sealedOffsets: { x: 1 } })), {
    code: 'BAD_EVENT',
  });
});
