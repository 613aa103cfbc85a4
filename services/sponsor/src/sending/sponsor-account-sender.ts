/**
 * One sponsor account's sending pass: it takes the reserved sponsorships of the tenants this
 * account pays for, gives each the account's next sequence in the engine's store, ticks the
 * engine (sign and save before broadcast, fee bumps, reorgs: ADR 0019), and keeps the ledger in
 * step with what the chain did:
 * - a transaction out (first or a replacement) → the sponsorship is `sent` with its hash;
 * - mined (or later) → `settled` to gasUsed × effectiveGasPrice of the attempt that was mined,
 *   also when the user's call reverted;
 * - its block reorganized away (back to SUBMITTED/PENDING, or mined under another hash) → back
 *   to `sent`, then settled again from the receipt the chain ends up with;
 * - released at its deadline before anything was signed → the engine's record is abandoned
 *   (FAILED, `RELEASED`), so a sponsorship no longer held against the budget is never paid.
 * With a ledger, the settled sponsorship's line is recorded before it is settled (so a crash
 * between the two leaves a line the next pass finds in force, never a charge without a line),
 * and the line in force is voided while its transaction is not mined (after a reorg).
 * Only the elected writer of the account runs passes (one pass at a time).
 */
import { AnchorState, transition } from '@anchorpost/chains';
import type { AnchorTransition } from '@anchorpost/chains';
import type { SponsorTransactionEngine, SponsorTransactionRecord } from '@anchorpost/sponsor-contracts';
import { ledgerLineOf } from '@anchorpost/sponsor-core';
import type { ReservedQuery, SponsorshipRecord, SponsorshipStore } from '@anchorpost/sponsor-core';
import type { SponsorLedgerWriter } from '../ledger/postgres-sponsor-ledger.ts';
import type { SponsorTransactionStore } from './postgres-sponsor-transaction-store.ts';

export interface SponsorAccountSenderOptions {
  readonly engine: SponsorTransactionEngine;
  /** The engine's store (the same one the engine was opened with). */
  readonly transactions: SponsorTransactionStore;
  readonly sponsorships: SponsorshipStore;
  /** The tenants this account pays for: its own tenant, or every tenant without an account. */
  readonly tenants: ReservedQuery['tenants'];
  /**
   * Seconds of deadline a sponsorship must have left to be taken: enough for a transaction to be
   * signed and mined before the forwarder would refuse it.
   */
  readonly sendMarginSeconds: number;
  /** Sponsorships taken per pass. */
  readonly batch: number;
  /** Unix seconds. */
  readonly now: () => bigint;
  /** Where the settled sponsorships' lines go (docs/sponsor.md, the ledger); none: no lines. */
  readonly ledger?: SponsorLedgerWriter;
}

/** What one pass did, for logs and metrics. */
export interface SendPass {
  readonly taken: number;
  readonly released: number;
  readonly transitions: readonly AnchorTransition<SponsorTransactionRecord>[];
  readonly settled: number;
  readonly unsettled: number;
}

const SETTLED_STATES: readonly string[] = [AnchorState.Mined, AnchorState.Confirmed, AnchorState.Finalized];
const PAGE = 100;

export class SponsorAccountSender {
  readonly #options: SponsorAccountSenderOptions;
  #settled = 0;
  #unsettled = 0;

  constructor(options: SponsorAccountSenderOptions) {
    this.#options = options;
  }

  get account(): string {
    return this.#options.engine.id;
  }

  async pass(): Promise<SendPass> {
    const { sponsorships, now } = this.#options;
    this.#settled = 0;
    this.#unsettled = 0;
    // What a crash may have left unrecorded first, so that every signed transaction's
    // sponsorship is `sent` before anything unsent is released.
    for (const record of await this.#open()) await this.#reconcile(record);
    const released = await sponsorships.releaseExpired(now());
    // Released while taken but unsigned: abandoned before this pass's tick could sign it.
    for (const digest of released) {
      const record = await this.#options.transactions.getByDigest(digest);
      if (record?.chain === this.account) await this.#reconcile(record);
    }
    const taken = await this.#take();
    const transitions = await this.#options.engine.tick();
    const latest = new Map(transitions.map((change) => [change.record.sequence, change.record]));
    for (const record of latest.values()) await this.#reconcile(record);
    return {
      taken,
      released: released.length,
      transitions,
      settled: this.#settled,
      unsettled: this.#unsettled,
    };
  }

  /** Reserved sponsorships of this account's tenants become engine records, next sequence each. */
  async #take(): Promise<number> {
    const { engine, transactions, sponsorships, tenants, sendMarginSeconds, batch, now } = this.#options;
    const reserved = await sponsorships.listReserved({
      tenants,
      notBefore: now() + BigInt(sendMarginSeconds),
      limit: batch,
    });
    let taken = 0;
    let sequence = await transactions.lastSequence(engine.id);
    for (const sponsorship of reserved) {
      // Taken in an earlier pass, not signed yet: it stays `reserved` until its transaction is out.
      if ((await transactions.getByDigest(sponsorship.digest)) !== undefined) continue;
      sequence += 1;
      await engine.submit({
        sequence,
        digest: sponsorship.digest,
        to: sponsorship.to,
        data: sponsorship.data,
        gasLimit: sponsorship.gasLimit.toString(),
        maxFeePerGas: sponsorship.maxFeePerGas.toString(),
      });
      taken += 1;
    }
    return taken;
  }

  async #open(): Promise<SponsorTransactionRecord[]> {
    const { engine, transactions } = this.#options;
    const open: SponsorTransactionRecord[] = [];
    for (let afterSequence = -1; ;) {
      const page = await transactions.listOpen(engine.id, { afterSequence, limit: PAGE });
      open.push(...page);
      if (page.length < PAGE) return open;
      afterSequence = page.at(-1)!.sequence;
    }
  }

  /** Brings the sponsorship of `record` in line with where its transaction is. */
  async #reconcile(record: SponsorTransactionRecord): Promise<void> {
    const { sponsorships } = this.#options;
    let sponsorship = await sponsorships.get(record.digest);
    if (sponsorship === null) return;
    if (sponsorship.state === 'released') {
      if (record.state === AnchorState.Pending && record.attempts.length === 0) await this.#abandon(record);
      return;
    }
    const minedAs = SETTLED_STATES.includes(record.state) ? record.inclusion?.txHash : undefined;
    if (sponsorship.state === 'settled' && sponsorship.txHash !== null && sponsorship.txHash !== minedAs) {
      // Its block left the canonical chain (or another attempt of the same nonce was mined).
      sponsorship = (await sponsorships.unsettle(record.digest, sponsorship.txHash)) ?? sponsorship;
      this.#unsettled += 1;
    }
    if (minedAs !== undefined) {
      await this.#settle(record, sponsorship, minedAs);
      return;
    }
    await this.#options.ledger?.voidLine(record.digest);
    const lastSent = record.attempts.at(-1)?.txHash;
    if (lastSent !== undefined && !isSentAs(sponsorship, lastSent)) {
      await sponsorships.markSent(record.digest, lastSent);
    }
  }

  /** Records the line (when it is not the one in force), then settles. */
  async #settle(
    record: SponsorTransactionRecord,
    sponsorship: SponsorshipRecord,
    minedAs: string,
  ): Promise<void> {
    const { sponsorships, engine, ledger } = this.#options;
    const lineMissing = ledger !== undefined && !(await ledger.hasLineInForce(record.digest, minedAs));
    if (sponsorship.state === 'settled' && !lineMissing) return;
    const charge = await engine.charge(record);
    if (lineMissing) {
      await ledger.recordLine(ledgerLineOf(sponsorship, this.account.split(':').at(-1)!, charge));
    }
    if (sponsorship.state !== 'settled') {
      await sponsorships.settle(record.digest, charge);
      this.#settled += 1;
    }
  }

  async #abandon(record: SponsorTransactionRecord): Promise<void> {
    const at = new Date(Number(this.#options.now()) * 1000);
    const failure = {
      code: 'RELEASED',
      message: 'the sponsorship passed its deadline before its transaction was signed',
      at: at.toISOString(),
    };
    await this.#options.transactions.update(transition(record, AnchorState.Failed, { failure }, at));
  }
}

function isSentAs(sponsorship: SponsorshipRecord, txHash: string): boolean {
  return sponsorship.state === 'sent' && sponsorship.txHash === txHash;
}
