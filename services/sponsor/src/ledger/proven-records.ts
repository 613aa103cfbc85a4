/**
 * Which of the ledger records at the relay are anchored: a record marked proven on its row counts
 * as anchored without a request; the others are asked of their proof (ledger-proofs.ts), and one
 * whose proof verifies is marked proven, so it is never asked about again, by this process or the
 * next. The rest are listed with the reason their proof does not verify.
 */
import type { LedgerProofs, LineAnchoring } from './ledger-proofs.ts';
import type { PostgresSponsorLedger, SponsorLedgerRecord } from './postgres-sponsor-ledger.ts';

/** A record at the relay without a proof that verifies: the reason's code and detail. */
export interface UnanchoredRecord {
  readonly seq: number;
  readonly digest: string;
  readonly cid: string;
  readonly code: string;
  readonly detail: string;
}

const PROOFS_NOT_CHECKED: LineAnchoring = {
  anchored: false,
  code: 'PROOF_NOT_CHECKED',
  detail: 'no proof API is configured (ANCHORPOST_SPONSOR_LEDGER_PROOF_API_URL)',
};

/** Of `records` (each with its tx-file's CID), those not anchored, in order. */
export async function unanchoredRecords(
  records: readonly (SponsorLedgerRecord & { readonly cid: string })[],
  options: {
    readonly ledger: Pick<PostgresSponsorLedger, 'markProven'>;
    /** Undefined: nothing is checked, so nothing not proven already counts as anchored. */
    readonly proofs: Pick<LedgerProofs, 'anchoring'> | undefined;
  },
): Promise<readonly UnanchoredRecord[]> {
  const unanchored: UnanchoredRecord[] = [];
  for (const record of records) {
    if (record.proven) continue;
    const anchoring = (await options.proofs?.anchoring(record.cid)) ?? PROOFS_NOT_CHECKED;
    if (anchoring.anchored) {
      await options.ledger.markProven(record.seq);
    } else {
      const { seq, digest, cid } = record;
      unanchored.push({ seq, digest, cid, code: anchoring.code, detail: anchoring.detail });
    }
  }
  return unanchored;
}
