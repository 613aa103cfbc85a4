/**
 * `anchorpost sponsor ledger | reconcile`: a tenant's ledger at the sponsor. `ledger` lists every
 * record (a line: one sponsorship's charge; a void: a line withdrawn after a reorg) with the CID
 * of the tx-file that carries it, the CID `anchorpost verify` checks an inclusion proof of.
 * `reconcile` asks the sponsor to reconcile the lines at the relay with the chain's receipts and
 * the charges it holds, prints which are not anchored (their proof missing or not verifying, by
 * the reason's code) and each mismatch by its code, and exits 1 when there is a mismatch.
 */
export type SponsorGet = (path: string) => Promise<unknown>;

interface LedgerRecord {
  seq: number;
  kind: 'line' | 'void';
  digest: string;
  txHash: string;
  cid: string | null;
  submitted: boolean;
  record: { chargedWei?: string; user?: string };
}

interface Reconciliation {
  chainWei: string;
  ledgerWei: string;
  storeWei: string;
  lines: number;
  unsent: number;
  anchored: number;
  unanchored: { seq: number; digest: string; cid: string; code: string; detail: string }[];
  mismatches: { code: string; digest?: string; cid?: string; detail: string }[];
}

export async function printLedger(get: SponsorGet, json: boolean): Promise<number> {
  const { records } = (await get('v1/ledger')) as { records: LedgerRecord[] };
  if (json) {
    process.stdout.write(`${JSON.stringify(records)}\n`);
    return 0;
  }
  for (const r of records) {
    const where =
      r.cid === null ? 'not built yet' : `${r.cid}${r.submitted ? '' : ' (not at the relay yet)'}`;
    const what =
      r.kind === 'line' ? `charged ${r.record.chargedWei ?? '?'} wei, user ${r.record.user ?? '?'}` : 'void';
    process.stdout.write(`${r.seq} ${r.kind} ${r.digest} tx ${r.txHash} ${what}\n  ${where}\n`);
  }
  return 0;
}

export async function printReconciliation(get: SponsorGet, json: boolean): Promise<number> {
  const answer = (await get('v1/ledger/reconciliation')) as Reconciliation;
  if (json) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  } else {
    process.stdout.write(
      `lines ${answer.lines} (${answer.unsent} records not at the relay yet)\n` +
        `anchored ${answer.anchored} of ${answer.anchored + answer.unanchored.length} records at the relay (proofs verified)\n` +
        `ledger ${answer.ledgerWei} wei, chain ${answer.chainWei} wei, store ${answer.storeWei} wei\n`,
    );
    for (const u of answer.unanchored) {
      process.stdout.write(`not anchored: ${u.seq} ${u.digest} ${u.cid}: ${u.code} ${u.detail}\n`);
    }
    for (const m of answer.mismatches) {
      process.stdout.write(`${m.code} ${m.digest ?? '-'} ${m.cid ?? '-'}: ${m.detail}\n`);
    }
  }
  return answer.mismatches.length === 0 ? 0 : 1;
}
