/**
 * The chain's side of the reconciliation: a forwarded call a sponsor account paid for that no
 * sponsorship accounts for is RECEIPT_WITHOUT_CHARGE; a charged one, and one another account paid
 * for (anyone may call the forwarder), are not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receiptsWithoutCharge } from '../src/receipt-audit.ts';
import type { ForwardedExecution } from '../src/receipt-audit.ts';

const SPONSOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const STRANGER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const USER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const execution = (n: number, account: string): ForwardedExecution => ({
  txHash: tx(n),
  blockNumber: n,
  account,
  signer: USER,
});

describe('receiptsWithoutCharge', () => {
  it('flags only the sponsor accounts’ calls without a charge, whatever the case of the addresses', () => {
    const found = receiptsWithoutCharge(
      [execution(1, SPONSOR), execution(2, SPONSOR.toLowerCase()), execution(3, STRANGER)],
      new Set([SPONSOR]),
      new Set([tx(1)]),
    );
    assert.deepEqual(
      found.map((m) => [m.code, m.txHash]),
      [['RECEIPT_WITHOUT_CHARGE', tx(2)]],
    );
    assert.match(found[0]!.detail, new RegExp(`paid for ${tx(2)}, a call of ${USER} in block 2`));
  });

  it('finds nothing when every call is charged', () => {
    assert.deepEqual(
      receiptsWithoutCharge([execution(1, SPONSOR)], new Set([SPONSOR]), new Set([tx(1)])),
      [],
    );
  });
});
