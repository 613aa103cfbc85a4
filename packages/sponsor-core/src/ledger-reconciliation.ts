/**
 * Reconciling the sponsor's spend three ways: the anchored ledger lines (each by the CID it was
 * anchored under), the chain's receipts of the transactions they name, and the store's settled
 * sponsorships (what tenants are charged). The spend is recomputed from the receipts alone
 * (gasUsed × effectiveGasPrice), and every disagreement is reported with a stable code, never
 * repaired: a line whose bytes are not the anchored ones is tampered, whatever it says.
 *
 * The anchored records are read in ledger order: a void (ledger-void.ts) withdraws the line in
 * force for its sponsorship, so a sponsorship settled, reorganized away and settled again has one
 * line in force, and only a second line without a void between is a duplicate.
 */
import type { SponsorshipRecord } from './sponsorship-store.ts';
import { decodeLedgerLine } from './ledger-line.ts';
import { decodeLedgerVoid, isLedgerVoid } from './ledger-void.ts';
import type { LedgerLine } from './ledger-line.ts';

export const LedgerMismatchCode = {
  /** The line's bytes do not hash to the CID it was anchored under, or are no ledger line. */
  LineTampered: 'LEDGER_LINE_TAMPERED',
  /** A second line for a sponsorship that has one already: the tenant would be charged twice. */
  LineDuplicate: 'LEDGER_LINE_DUPLICATE',
  /** The store charged a sponsorship that no anchored line accounts for. */
  LineMissing: 'LEDGER_LINE_MISSING',
  /** A void naming no line in force (another transaction, or none): a correction of nothing. */
  VoidUnmatched: 'LEDGER_VOID_UNMATCHED',
  /** An anchored line for a sponsorship the store does not hold as settled. */
  LineUnknown: 'LEDGER_LINE_UNKNOWN',
  /** The line's transaction has no receipt on the chain (a charge without a receipt). */
  ReceiptMissing: 'RECEIPT_MISSING',
  /** The receipt was paid by another account than the line names. */
  PayerMismatch: 'PAYER_MISMATCH',
  /** The line's gas used, gas price or charge is not what the receipt says. */
  ChargeMismatch: 'CHARGE_MISMATCH',
  /** The store charged another amount, or for another transaction, than the anchored line says. */
  StoreMismatch: 'STORE_MISMATCH',
  /** A sponsor account paid for a forwarded call no sponsorship accounts for (receipt-audit.ts). */
  ReceiptWithoutCharge: 'RECEIPT_WITHOUT_CHARGE',
} as const;

export type LedgerMismatchCode = (typeof LedgerMismatchCode)[keyof typeof LedgerMismatchCode];

export interface LedgerMismatch {
  readonly code: LedgerMismatchCode;
  /** The sponsorship's digest, when known. */
  readonly digest?: string;
  /** The anchored line's CID, when the mismatch is about a line. */
  readonly cid?: string;
  /** The transaction, when the mismatch is about one no line names. */
  readonly txHash?: string;
  readonly detail: string;
}

export interface AnchoredLedgerLine {
  readonly cid: string;
  readonly bytes: Uint8Array;
}

export interface ChainReceipt {
  readonly from: string;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
}

export interface LedgerSources {
  /** The anchored records (lines and voids), in ledger order. */
  readonly lines: readonly AnchoredLedgerLine[];
  /**
   * The record inside anchored bytes: the message data of a tx-file, opened and checked.
   * Undefined: the anchored bytes are the record itself. A throw counts as tampered.
   */
  readonly recordOf?: (bytes: Uint8Array) => Promise<Uint8Array>;
  /** The store's sponsorships in the same span; only `settled` ones are charges. */
  readonly sponsorships: readonly SponsorshipRecord[];
  /** The transaction's receipt, or null when the chain has none. */
  readonly receiptOf: (txHash: string) => Promise<ChainReceipt | null>;
  /** The CID the batch-files name these bytes by (the protocol's `cidForBytes`). */
  readonly cidOf: (bytes: Uint8Array) => Promise<string>;
}

export interface LedgerReconciliation {
  /** Sum of gasUsed × effectiveGasPrice over the receipts of the lines' transactions. */
  readonly chainWei: bigint;
  /** Sum of the readable lines' charges. */
  readonly ledgerWei: bigint;
  /** Sum of the store's settled charges. */
  readonly storeWei: bigint;
  readonly lines: number;
  readonly mismatches: readonly LedgerMismatch[];
}

function tampered(mismatches: LedgerMismatch[], cid: string, detail: string): void {
  mismatches.push({ code: 'LEDGER_LINE_TAMPERED', cid, detail });
}

async function recordIn(
  sources: LedgerSources,
  { cid, bytes }: AnchoredLedgerLine,
  mismatches: LedgerMismatch[],
): Promise<Uint8Array | undefined> {
  const actual = await sources.cidOf(bytes);
  if (actual !== cid) {
    tampered(mismatches, cid, `the bytes have CID ${actual}`);
    return undefined;
  }
  try {
    return sources.recordOf === undefined ? bytes : await sources.recordOf(bytes);
  } catch (error) {
    tampered(mismatches, cid, (error as Error).message);
    return undefined;
  }
}

function applyVoid(
  record: Uint8Array,
  cid: string,
  byDigest: Map<string, LedgerLine>,
  mismatches: LedgerMismatch[],
): void {
  const entry = decodeLedgerVoid(record);
  const inForce = byDigest.get(entry.digest);
  if (inForce?.txHash !== entry.txHash) {
    mismatches.push({
      code: 'LEDGER_VOID_UNMATCHED',
      digest: entry.digest,
      cid,
      detail: `voids ${entry.txHash}, the line in force is ${inForce?.txHash ?? 'none'}`,
    });
    return;
  }
  byDigest.delete(entry.digest);
}

async function readLines(
  sources: LedgerSources,
  mismatches: LedgerMismatch[],
): Promise<Map<string, LedgerLine>> {
  const byDigest = new Map<string, LedgerLine>();
  for (const anchored of sources.lines) {
    const { cid } = anchored;
    const record = await recordIn(sources, anchored, mismatches);
    if (record === undefined) continue;
    let line: LedgerLine;
    try {
      if (isLedgerVoid(record)) {
        applyVoid(record, cid, byDigest, mismatches);
        continue;
      }
      line = decodeLedgerLine(record);
    } catch (error) {
      tampered(mismatches, cid, (error as Error).message);
      continue;
    }
    if (byDigest.has(line.digest)) {
      mismatches.push({
        code: 'LEDGER_LINE_DUPLICATE',
        digest: line.digest,
        cid,
        detail: 'the sponsorship has an anchored line already',
      });
      continue;
    }
    byDigest.set(line.digest, line);
  }
  return byDigest;
}

function checkAgainstReceipt(line: LedgerLine, receipt: ChainReceipt): string | undefined {
  if (receipt.gasUsed !== line.gasUsed)
    return `gas used ${line.gasUsed}, the receipt says ${receipt.gasUsed}`;
  if (receipt.effectiveGasPrice !== line.effectiveGasPrice)
    return `gas price ${line.effectiveGasPrice}, the receipt says ${receipt.effectiveGasPrice}`;
  if (line.chargedWei !== line.gasUsed * line.effectiveGasPrice)
    return `charged ${line.chargedWei}, gas used × price is ${line.gasUsed * line.effectiveGasPrice}`;
  return undefined;
}

export async function reconcileLedger(sources: LedgerSources): Promise<LedgerReconciliation> {
  const mismatches: LedgerMismatch[] = [];
  const lines = await readLines(sources, mismatches);
  const settled = new Map(
    sources.sponsorships.filter((s) => s.state === 'settled').map((s) => [s.digest.toLowerCase(), s]),
  );
  let chainWei = 0n;
  let ledgerWei = 0n;
  for (const [digest, line] of lines) {
    ledgerWei += line.chargedWei;
    const receipt = await sources.receiptOf(line.txHash);
    if (receipt === null) {
      mismatches.push({ code: 'RECEIPT_MISSING', digest, detail: `no receipt for ${line.txHash}` });
    } else {
      chainWei += receipt.gasUsed * receipt.effectiveGasPrice;
      if (receipt.from.toLowerCase() !== line.account.toLowerCase()) {
        mismatches.push({
          code: 'PAYER_MISMATCH',
          digest,
          detail: `paid by ${receipt.from}, not ${line.account}`,
        });
      }
      const wrong = checkAgainstReceipt(line, receipt);
      if (wrong !== undefined) mismatches.push({ code: 'CHARGE_MISMATCH', digest, detail: wrong });
    }
    const charged = settled.get(digest);
    if (charged === undefined) {
      mismatches.push({
        code: 'LEDGER_LINE_UNKNOWN',
        digest,
        detail: 'the store holds no settled sponsorship',
      });
    } else if (charged.chargedWei !== line.chargedWei || charged.txHash?.toLowerCase() !== line.txHash) {
      mismatches.push({
        code: 'STORE_MISMATCH',
        digest,
        detail: `the store charged ${charged.chargedWei} for ${charged.txHash}, the line ${line.chargedWei} for ${line.txHash}`,
      });
    }
  }
  let storeWei = 0n;
  for (const [digest, charged] of settled) {
    storeWei += charged.chargedWei ?? 0n;
    if (!lines.has(digest)) {
      mismatches.push({
        code: 'LEDGER_LINE_MISSING',
        digest,
        detail: `charged ${charged.chargedWei} without a line`,
      });
      // A charge no line accounts for is still checked against the chain.
      if (charged.txHash === null || (await sources.receiptOf(charged.txHash)) === null) {
        mismatches.push({ code: 'RECEIPT_MISSING', digest, detail: `no receipt for ${charged.txHash}` });
      }
    }
  }
  return { chainWei, ledgerWei, storeWei, lines: lines.size, mismatches };
}
