/**
 * The ledger line and the three-way reconciliation (anchored lines, chain receipts, the store's
 * charges). The attacks: a line altered after it was anchored (its bytes no longer hash to the
 * anchored CID), a line re-encoded to mean the same, a charge the ledger does not account for, a
 * line the chain has no receipt for, a line that overstates the gas, a store that charges the
 * tenant more than the line, a line paid by another account, and a sponsorship charged twice.
 * After a reorg: a void withdraws the line in force, so the line written again is no duplicate,
 * and a void naming no line in force is reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidForBytes } from '@anchorpost/protocol';
import { decodeLedgerLine, encodeLedgerLine } from '../src/ledger-line.ts';
import type { LedgerLine } from '../src/ledger-line.ts';
import { reconcileLedger } from '../src/ledger-reconciliation.ts';
import { decodeLedgerVoid, encodeLedgerVoid } from '../src/ledger-void.ts';
import type { LedgerVoid } from '../src/ledger-void.ts';
import type { AnchoredLedgerLine, ChainReceipt, LedgerSources } from '../src/ledger-reconciliation.ts';
import { SponsorError } from '../src/sponsor-error.ts';
import type { SponsorshipRecord } from '../src/sponsorship-store.ts';
import { SELECTOR, TARGET, alice } from './fixtures.ts';

const ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER_ACCOUNT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const hash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

function lineFor(n: number, overrides: Partial<LedgerLine> = {}): LedgerLine {
  const gasUsed = 50_000n + BigInt(n);
  const effectiveGasPrice = 1_000_000_000n;
  return {
    tenant: 'acme',
    user: alice.address,
    digest: hash(n),
    kind: 'forward',
    target: TARGET,
    selector: SELECTOR,
    account: ACCOUNT,
    txHash: hash(1000 + n),
    gasUsed,
    effectiveGasPrice,
    chargedWei: gasUsed * effectiveGasPrice,
    succeeded: true,
    ...overrides,
  };
}

function settled(line: LedgerLine, overrides: Partial<SponsorshipRecord> = {}): SponsorshipRecord {
  return {
    digest: line.digest,
    tenant: line.tenant,
    user: line.user,
    kind: line.kind,
    to: line.target,
    data: `${line.selector}00`,
    gasLimit: 100_000n,
    maxFeePerGas: 2_000_000_000n,
    deadline: 1_800_000_600n,
    periodStart: 1_799_971_200n,
    acceptedAt: 1_800_000_000n,
    state: 'settled',
    reservedWei: 200_000_000_000_000n,
    chargedWei: line.chargedWei,
    txHash: line.txHash,
    succeeded: line.succeeded,
    ...overrides,
  };
}

const receiptOf = (line: LedgerLine, overrides: Partial<ChainReceipt> = {}): [string, ChainReceipt] => [
  line.txHash,
  { from: line.account, gasUsed: line.gasUsed, effectiveGasPrice: line.effectiveGasPrice, ...overrides },
];

async function anchored(line: LedgerLine): Promise<AnchoredLedgerLine> {
  const bytes = encodeLedgerLine(line);
  return { cid: await cidForBytes(bytes), bytes };
}

function sources(
  lines: readonly AnchoredLedgerLine[],
  sponsorships: readonly SponsorshipRecord[],
  receipts: ReadonlyMap<string, ChainReceipt>,
): LedgerSources {
  return {
    lines,
    sponsorships,
    receiptOf: (txHash) => Promise.resolve(receipts.get(txHash) ?? null),
    cidOf: cidForBytes,
  };
}

const codes = (result: { mismatches: readonly { code: string; digest?: string }[] }) =>
  result.mismatches.map((m) => `${m.code} ${m.digest ?? '-'}`).sort();

describe('the ledger line', () => {
  it('reads back exactly what was written, in one canonical form', () => {
    const line = lineFor(1);
    assert.deepEqual(decodeLedgerLine(encodeLedgerLine(line)), line);
  });

  it('refuses other bytes with the same meaning, a missing field and an extra one (BAD_LEDGER_LINE)', () => {
    const text = new TextDecoder().decode(encodeLedgerLine(lineFor(1)));
    const fields = JSON.parse(text) as Record<string, unknown>;
    const { succeeded, ...withoutSucceeded } = fields;
    for (const bytes of [
      JSON.stringify(fields, null, 1),
      text.replace(alice.address, alice.address.toLowerCase()),
      JSON.stringify(withoutSucceeded),
      JSON.stringify({ ...fields, succeeded, note: 'x' }),
      JSON.stringify({ ...fields, chargedWei: '-1' }),
    ]) {
      assert.throws(
        () => decodeLedgerLine(new TextEncoder().encode(bytes)),
        (error: unknown) =>
          error instanceof SponsorError && error.code === 'BAD_LEDGER_LINE' && !error.retryable,
        bytes,
      );
    }
  });
});

describe('reconcileLedger', () => {
  it('finds nothing wrong when the lines, the receipts and the charges agree, and sums the spend', async () => {
    const lines = [lineFor(1), lineFor(2)];
    const result = await reconcileLedger(
      sources(
        await Promise.all(lines.map(anchored)),
        lines.map((l) => settled(l)),
        new Map(lines.map((l) => receiptOf(l))),
      ),
    );
    assert.deepEqual(result.mismatches, []);
    const total = lines.reduce((sum, l) => sum + l.chargedWei, 0n);
    assert.equal(result.chainWei, total);
    assert.equal(result.ledgerWei, total);
    assert.equal(result.storeWei, total);
    assert.equal(result.lines, 2);
  });

  it('detects a line altered after it was anchored (LEDGER_LINE_TAMPERED), and the charge left without a line', async () => {
    const line = lineFor(1);
    const { cid } = await anchored(line);
    // The operator lowers the recorded cost in the stored line; the anchored CID stays.
    const altered = encodeLedgerLine({ ...line, gasUsed: 1n, chargedWei: line.effectiveGasPrice });
    const result = await reconcileLedger(
      sources([{ cid, bytes: altered }], [settled(line)], new Map([receiptOf(line)])),
    );
    assert.deepEqual(codes(result), [`LEDGER_LINE_MISSING ${line.digest}`, 'LEDGER_LINE_TAMPERED -']);
    assert.equal(result.mismatches.find((m) => m.code === 'LEDGER_LINE_TAMPERED')?.cid, cid);
  });

  it('detects a line anchored in another encoding (LEDGER_LINE_TAMPERED: not canonical)', async () => {
    const line = lineFor(1);
    const bytes = new TextEncoder().encode(
      JSON.stringify(JSON.parse(new TextDecoder().decode(encodeLedgerLine(line))), null, 2),
    );
    const result = await reconcileLedger(
      sources([{ cid: await cidForBytes(bytes), bytes }], [], new Map([receiptOf(line)])),
    );
    assert.deepEqual(codes(result), ['LEDGER_LINE_TAMPERED -']);
    assert.match(result.mismatches[0]!.detail, /canonical/);
  });

  it('reports each disagreement with its code', async () => {
    const [ok, noReceipt, overstated, overcharged, otherPayer, unlined, unknown] = [1, 2, 3, 4, 5, 6, 7].map(
      (n) => lineFor(n),
    ) as [LedgerLine, LedgerLine, LedgerLine, LedgerLine, LedgerLine, LedgerLine, LedgerLine];
    const written = [ok, noReceipt, overstated, overcharged, otherPayer, unknown];
    const receipts = new Map([
      receiptOf(ok),
      receiptOf(overstated, { gasUsed: overstated.gasUsed - 10_000n }),
      receiptOf(overcharged),
      receiptOf(otherPayer, { from: OTHER_ACCOUNT }),
      receiptOf(unlined),
      receiptOf(unknown),
    ]);
    const charges = [ok, noReceipt, overstated, otherPayer, unlined].map((l) => settled(l));
    charges.push(settled(overcharged, { chargedWei: overcharged.chargedWei * 2n }));
    const twice = await anchored(lineFor(1, { txHash: hash(4242) }));
    const result = await reconcileLedger(
      sources([...(await Promise.all(written.map(anchored))), twice], charges, receipts),
    );
    assert.deepEqual(
      codes(result),
      [
        `CHARGE_MISMATCH ${overstated.digest}`,
        `LEDGER_LINE_DUPLICATE ${ok.digest}`,
        `LEDGER_LINE_MISSING ${unlined.digest}`,
        `LEDGER_LINE_UNKNOWN ${unknown.digest}`,
        `PAYER_MISMATCH ${otherPayer.digest}`,
        `RECEIPT_MISSING ${noReceipt.digest}`,
        `STORE_MISMATCH ${overcharged.digest}`,
      ].sort(),
    );
    // The chain's spend counts receipts only: the line without one adds nothing to it.
    assert.equal(
      result.chainWei,
      [ok, overcharged, otherPayer, unknown].reduce((sum, l) => sum + l.chargedWei, 0n) +
        (overstated.gasUsed - 10_000n) * overstated.effectiveGasPrice,
    );
  });

  it('checks a charge without a line against the chain too: no receipt is RECEIPT_MISSING', async () => {
    const [paid, unpaid] = [lineFor(1), lineFor(2)];
    const result = await reconcileLedger(
      sources([], [settled(paid), settled(unpaid)], new Map([receiptOf(paid)])),
    );
    assert.deepEqual(codes(result), [
      `LEDGER_LINE_MISSING ${paid.digest}`,
      `LEDGER_LINE_MISSING ${unpaid.digest}`,
      `RECEIPT_MISSING ${unpaid.digest}`,
    ]);
  });

  it('counts only settled sponsorships as charges', async () => {
    const line = lineFor(1);
    const result = await reconcileLedger(
      sources([], [settled(line, { state: 'sent', chargedWei: null, txHash: line.txHash })], new Map()),
    );
    assert.deepEqual(result.mismatches, []);
    assert.equal(result.storeWei, 0n);
  });

  it('reads a void after a reorg: the line written again is in force, no duplicate; a stray void is reported', async () => {
    const dropped = lineFor(1);
    const again = lineFor(1, { txHash: hash(999), effectiveGasPrice: dropped.effectiveGasPrice + 1n });
    const again2 = { ...again, chargedWei: again.gasUsed * again.effectiveGasPrice };
    const voided: LedgerVoid = {
      tenant: dropped.tenant,
      digest: dropped.digest,
      txHash: dropped.txHash,
      reason: 'reorg',
    };
    const voidBytes = encodeLedgerVoid(voided);
    assert.deepEqual(decodeLedgerVoid(voidBytes), voided);
    const anchoredVoid = { cid: await cidForBytes(voidBytes), bytes: voidBytes };
    const receipts = new Map([receiptOf(again2)]);
    const store = [settled(again2)];
    const corrected = await reconcileLedger(
      sources([await anchored(dropped), anchoredVoid, await anchored(again2)], store, receipts),
    );
    assert.deepEqual(corrected.mismatches, []);
    assert.equal(corrected.lines, 1);
    assert.equal(corrected.ledgerWei, again2.chargedWei);
    const withoutVoid = await reconcileLedger(
      sources([await anchored(dropped), await anchored(again2)], store, receipts),
    );
    assert.ok(codes(withoutVoid).includes(`LEDGER_LINE_DUPLICATE ${dropped.digest}`));
    const stray = await reconcileLedger(sources([anchoredVoid, await anchored(again2)], store, receipts));
    assert.deepEqual(codes(stray), [`LEDGER_VOID_UNMATCHED ${dropped.digest}`]);
  });
});
