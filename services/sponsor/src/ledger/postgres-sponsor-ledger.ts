/**
 * The sponsor's ledger on PostgreSQL (table `sponsor_ledger_record`): its records in order (lines
 * and voids, docs/sponsor.md) and, beside each, the outbox's tx-file that carries it to the relay.
 * Appends take a transaction-scoped advisory lock, so two writers (two account senders, or a
 * deposed one finishing a pass) take turns: a sponsorship never gets two lines in force, and the
 * records commit in `seq` order, the order the outbox chains their files in.
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import type { OutboxRecord, OutboxTxFile, TxFileOutboxStore } from '@anchorpost/relay-core';
import { encodeLedgerLine, encodeLedgerVoid } from '@anchorpost/sponsor-core';
import type { LedgerLine, SponsorshipRecord } from '@anchorpost/sponsor-core';

type Prisma = Database['prisma'];
type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/** Arbitrary, distinct from the updater's deploy-log lock and Prisma's migration lock. */
const LEDGER_LOCK = 7_270_817;

/** One record of the ledger, with its tx-file's CID once built. */
export interface SponsorLedgerRecord {
  readonly seq: number;
  readonly tenant: string;
  readonly digest: string;
  readonly kind: 'line' | 'void';
  readonly txHash: string;
  readonly record: Uint8Array;
  readonly cid: string | null;
  readonly txFile: Uint8Array | null;
  readonly submitted: boolean;
  /** Whether the tx-file's proof has verified once (markProven): anchored for good. */
  readonly proven: boolean;
}

/** What the account senders write: a settled sponsorship's line, a line withdrawn. */
export interface SponsorLedgerWriter {
  /** Makes `line` the sponsorship's line in force: nothing when it is, void then line when another is. */
  recordLine(line: LedgerLine): Promise<void>;
  /** Withdraws the sponsorship's line in force, if any (its transaction left the chain). */
  voidLine(digest: string): Promise<void>;
  /** Whether the sponsorship's line in force is for `txHash`. */
  hasLineInForce(digest: string, txHash: string): Promise<boolean>;
}

async function withErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDbError(error, operation);
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class PostgresSponsorLedger implements SponsorLedgerWriter, TxFileOutboxStore {
  readonly #prisma: Prisma;

  /** `prisma`: `database.prisma` of an opened @anchorpost/db Database. */
  constructor(prisma: Prisma) {
    this.#prisma = prisma;
  }

  recordLine(line: LedgerLine): Promise<void> {
    const bytes = encodeLedgerLine(line);
    return this.#append('record ledger line', async (tx) => {
      const inForce = await lineInForce(tx, line.digest);
      if (inForce !== null && sameBytes(new Uint8Array(inForce.record), bytes)) return;
      if (inForce !== null) await appendVoid(tx, inForce);
      await tx.sponsorLedgerRecord.create({
        data: {
          tenant: line.tenant,
          digest: line.digest,
          kind: 'line',
          txHash: line.txHash,
          record: Buffer.from(bytes),
        },
      });
    });
  }

  async voidLine(digest: string): Promise<void> {
    // Asked on every pass for every unmined transaction: the lock only when there is a line.
    const last = await withErrors('ledger line in force', () =>
      this.#prisma.sponsorLedgerRecord.findFirst({
        where: { digest: digest.toLowerCase() },
        orderBy: { seq: 'desc' },
        select: { kind: true },
      }),
    );
    if (last?.kind !== 'line') return;
    await this.#append('void ledger line', async (tx) => {
      const inForce = await lineInForce(tx, digest.toLowerCase());
      if (inForce !== null) await appendVoid(tx, inForce);
    });
  }

  hasLineInForce(digest: string, txHash: string): Promise<boolean> {
    return withErrors('ledger line in force', async () => {
      const last = await this.#prisma.sponsorLedgerRecord.findFirst({
        where: { digest: digest.toLowerCase() },
        orderBy: { seq: 'desc' },
        select: { kind: true, txHash: true },
      });
      return last?.kind === 'line' && last.txHash === txHash.toLowerCase();
    });
  }

  /** The records above `afterSeq` whose tx-file is not built yet, in order (the outbox's). */
  records(afterSeq: number): Promise<readonly OutboxRecord[]> {
    return withErrors('ledger records to build', async () => {
      const rows = await this.#prisma.sponsorLedgerRecord.findMany({
        where: { seq: { gt: afterSeq }, cid: null },
        orderBy: { seq: 'asc' },
        select: { seq: true, record: true },
      });
      return rows.map((row) => ({ seq: row.seq, data: new Uint8Array(row.record) }));
    });
  }

  /** The tenant's records in ledger order (every tenant's when undefined). */
  ledger(tenant?: string): Promise<readonly SponsorLedgerRecord[]> {
    return withErrors('ledger', async () => {
      const rows = await this.#prisma.sponsorLedgerRecord.findMany({
        where: tenant === undefined ? {} : { tenant },
        orderBy: { seq: 'asc' },
      });
      return rows.map((row) => ({
        seq: row.seq,
        tenant: row.tenant,
        digest: row.digest,
        kind: row.kind as 'line' | 'void',
        txHash: row.txHash,
        record: new Uint8Array(row.record),
        cid: row.cid,
        txFile: row.txFile === null ? null : new Uint8Array(row.txFile),
        submitted: row.submittedAt !== null,
        proven: row.provenAt !== null,
      }));
    });
  }

  /** Records that the record's tx-file's proof verified (the first time only). */
  markProven(seq: number): Promise<void> {
    return withErrors('mark ledger record proven', async () => {
      await this.#prisma.sponsorLedgerRecord.updateMany({
        where: { seq, provenAt: null },
        data: { provenAt: new Date() },
      });
    });
  }

  /** The tenant's settled sponsorships: what it is charged, for the reconciliation. */
  settledSponsorships(tenant: string): Promise<readonly SponsorshipRecord[]> {
    return withErrors('settled sponsorships', async () => {
      const rows = await this.#prisma.sponsorship.findMany({
        where: { tenant, state: 'settled' },
        orderBy: { digest: 'asc' },
      });
      const wei = (value: { toFixed(): string }) => BigInt(value.toFixed());
      return rows.map((row) => ({
        digest: row.digest,
        tenant: row.tenant,
        user: row.user,
        kind: row.kind as 'forward' | 'ballot',
        to: row.to,
        data: row.data,
        gasLimit: wei(row.gasLimit),
        maxFeePerGas: wei(row.maxFeePerGas),
        deadline: row.deadline,
        periodStart: row.periodStart,
        acceptedAt: row.acceptedAt,
        state: row.state,
        reservedWei: wei(row.reservedWei),
        chargedWei: row.chargedWei === null ? null : wei(row.chargedWei),
        txHash: row.txHash,
        succeeded: row.succeeded,
      }));
    });
  }

  /** Of these transactions (lower-case hashes), those a sponsorship was sent or settled under. */
  chargedTransactions(txHashes: readonly string[]): Promise<ReadonlySet<string>> {
    return withErrors('charged transactions', async () => {
      const rows = await this.#prisma.sponsorship.findMany({
        where: { txHash: { in: [...txHashes] } },
        select: { txHash: true },
      });
      return new Set(rows.map((row) => row.txHash!.toLowerCase()));
    });
  }

  txFiles(afterSeq = 0): Promise<readonly OutboxTxFile[]> {
    return withErrors('ledger tx-files', async () => {
      const rows = await this.#prisma.sponsorLedgerRecord.findMany({
        where: { seq: { gt: afterSeq }, cid: { not: null } },
        orderBy: { seq: 'asc' },
        select: { seq: true, cid: true, txFile: true, stateAfter: true, submittedAt: true },
      });
      return rows.map((row) => ({
        seq: row.seq,
        cid: row.cid!,
        bytes: new Uint8Array(row.txFile!),
        stateAfter: row.stateAfter!,
        submitted: row.submittedAt !== null,
      }));
    });
  }

  addTxFile(file: OutboxTxFile): Promise<void> {
    return withErrors('add ledger tx-file', async () => {
      await this.#prisma.sponsorLedgerRecord.updateMany({
        where: { seq: file.seq, cid: null },
        data: { cid: file.cid, txFile: Buffer.from(file.bytes), stateAfter: file.stateAfter },
      });
    });
  }

  markTxFileSubmitted(seq: number): Promise<void> {
    return withErrors('mark ledger tx-file submitted', async () => {
      await this.#prisma.sponsorLedgerRecord.updateMany({
        where: { seq, submittedAt: null },
        data: { submittedAt: new Date() },
      });
    });
  }

  #append(operation: string, run: (tx: Tx) => Promise<void>): Promise<void> {
    return withErrors(operation, () =>
      this.#prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(${LEDGER_LOCK}::bigint)::text AS locked`;
        await run(tx);
      }),
    );
  }
}

interface InForce {
  readonly tenant: string;
  readonly digest: string;
  readonly txHash: string;
  readonly record: Uint8Array;
}

async function lineInForce(tx: Tx, digest: string): Promise<InForce | null> {
  const last = await tx.sponsorLedgerRecord.findFirst({ where: { digest }, orderBy: { seq: 'desc' } });
  return last?.kind === 'line' ? last : null;
}

async function appendVoid(tx: Tx, line: InForce): Promise<void> {
  const bytes = encodeLedgerVoid({
    tenant: line.tenant,
    digest: line.digest,
    txHash: line.txHash,
    reason: 'reorg',
  });
  await tx.sponsorLedgerRecord.create({
    data: {
      tenant: line.tenant,
      digest: line.digest,
      kind: 'void',
      txHash: line.txHash,
      record: Buffer.from(bytes),
    },
  });
}
