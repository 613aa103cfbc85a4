/**
 * The chain's side of the reconciliation: every transaction a sponsor account sent — a forwarded
 * call, a ballot, a transfer by hand — that no sponsorship accounts for is RECEIPT_WITHOUT_CHARGE;
 * another account's transactions are not looked at. The audit's step is planned from its cursor,
 * bounded, and a block that does not continue the cursor rewinds it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditStep, receiptsWithoutCharge, rewindFrom, sponsorTransactionsIn } from '../src/receipt-audit.ts';
import type { ScannedBlock } from '../src/receipt-audit.ts';

const SPONSOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const STRANGER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TARGET = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

const block: ScannedBlock = {
  number: 7,
  hash: hash(700),
  parentHash: hash(600),
  transactions: [
    { hash: hash(1), from: SPONSOR, to: TARGET, input: '0x56781388aabbccdd' },
    { hash: hash(2), from: SPONSOR.toLowerCase(), to: TARGET, input: '0x' },
    { hash: hash(3), from: STRANGER, to: TARGET, input: '0x' },
  ],
};

describe('sponsorTransactionsIn and receiptsWithoutCharge', () => {
  it('keeps only the sponsor accounts’ transactions, whatever the case of the addresses', () => {
    const sent = sponsorTransactionsIn(block, new Set([SPONSOR]));
    assert.deepEqual(
      sent.map((tx) => [tx.txHash, tx.selector, tx.account, tx.blockNumber]),
      [
        [hash(1), '0x56781388', SPONSOR.toLowerCase(), 7],
        [hash(2), '0x', SPONSOR.toLowerCase(), 7],
      ],
    );
  });

  it('flags every uncharged transaction, a call or a plain transfer', () => {
    const found = receiptsWithoutCharge(sponsorTransactionsIn(block, new Set([SPONSOR])), new Set([hash(1)]));
    assert.deepEqual(
      found.map((m) => [m.code, m.txHash]),
      [['RECEIPT_WITHOUT_CHARGE', hash(2)]],
    );
    assert.match(found[0]!.detail, /call 0x\) in block 7, which no sponsorship accounts for/);
    const charged = new Set([hash(1), hash(2)]);
    assert.deepEqual(receiptsWithoutCharge(sponsorTransactionsIn(block, new Set([SPONSOR])), charged), []);
  });
});

describe('auditStep and rewindFrom', () => {
  it('reads from the start block, then after the cursor, at most maxBlocks, never past the last final block', () => {
    const plan = (cursor: { block: number; blockHash: string } | undefined, lastFinal: number) =>
      auditStep({ cursor, startBlock: 10, lastFinal, maxBlocks: 100 });
    assert.deepEqual(plan(undefined, 5), { kind: 'idle' });
    assert.deepEqual(plan(undefined, 500), { kind: 'read', from: 10, to: 109 });
    assert.deepEqual(plan({ block: 109, blockHash: hash(1) }, 150), { kind: 'read', from: 110, to: 150 });
    assert.deepEqual(plan({ block: 150, blockHash: hash(1) }, 150), { kind: 'idle' });
  });

  it('rewinds when the block after the cursor has another parent, never before the start block', () => {
    const cursor = { block: 6, blockHash: hash(600) };
    assert.equal(rewindFrom(cursor, block, 0, 64), undefined, 'it continues the cursor');
    assert.equal(rewindFrom(undefined, block, 0, 64), undefined, 'no cursor: nothing to continue');
    assert.equal(rewindFrom({ block: 6, blockHash: hash(601) }, block, 0, 4), 3);
    assert.equal(rewindFrom({ block: 6, blockHash: hash(601) }, block, 5, 64), 5);
    assert.equal(rewindFrom({ block: 6, blockHash: '' }, block, 7, 64), undefined, 'before the start block');
  });
});
