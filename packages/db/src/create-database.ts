/**
 * Opens the database the same way for PostgreSQL and for the embedded PGlite: a pg pool, the
 * Prisma 7 client on `@prisma/adapter-pg` (no Rust query engine), and the repositories on top.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaAnchorRequestRepository } from './anchor-request-repository.ts';
import type { AnchorRequestRepository } from './anchor-request-repository.ts';
import { DbError } from '@anchorpost/db-port';
import type { IndexRepository, ReceiptRepository } from '@anchorpost/db-port';
import { PrismaClient } from './generated/prisma/client.ts';
import { PrismaIndexRepository } from './index-repository.ts';
import { PrismaPeerRepository } from './peer-repository.ts';
import { PrismaReceiptRepository } from './receipt-repository.ts';
import { PrismaSponsorAuditRepository } from './sponsor-audit-repository.ts';
import { PrismaSponsorshipRepository } from './sponsorship-repository.ts';
import { PrismaSponsorTransactionRepository } from './sponsor-transaction-repository.ts';
import { PrismaTreasuryRefillRepository } from './treasury-refill-repository.ts';
import { toDbError } from './to-db-error.ts';

export const DEFAULT_POOL_SIZE = 10;

export interface DatabaseOptions {
  /** `postgresql://user:password@host:port/database` */
  databaseUrl: string;
  /** Connections in the pool; default 10. Use EMBEDDED_POOL_SIZE (1) for the embedded database. */
  poolSize?: number;
  /** How long to wait for a connection before failing with UNAVAILABLE; default 10 s. */
  connectTimeoutMs?: number;
}

export interface Database {
  /** The Prisma client, for repositories that live in other packages (e.g. the anchorer's requests). */
  readonly prisma: PrismaClient;
  readonly index: IndexRepository;
  /** The relay's signed receipts. */
  readonly receipts: ReceiptRepository;
  /** The anchorer's requests (compare-and-swap on a version). */
  readonly anchorRequests: AnchorRequestRepository;
  /** The sponsor's sponsorships and budget reservations (@anchorpost/sponsor-core's SponsorshipStore). */
  readonly sponsorships: PrismaSponsorshipRepository;
  /** The sponsor's transactions, one per sponsorship (compare-and-swap on a version). */
  readonly sponsorTransactions: PrismaSponsorTransactionRepository;
  /** The treasury's refills, held against the day's cap before they are sent. */
  readonly treasuryRefills: PrismaTreasuryRefillRepository;
  /** The sponsor ledger audit's cursor and the sponsor accounts' transactions it found. */
  readonly sponsorAudit: PrismaSponsorAuditRepository;
  /** The platforms followed through the chain, their cursors and the origin of their batches. */
  readonly peers: PrismaPeerRepository;
  /** Resolves when the database answers; UNAVAILABLE (retryable) otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createDatabase(options: DatabaseOptions): Database {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    throw new DbError('INVALID_ARGUMENT', `poolSize must be a positive integer, got ${poolSize}`);
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  pool.on('error', () => {
    // A broken idle connection is dropped by the pool; the next query reports the outage.
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    index: new PrismaIndexRepository(prisma, pool),
    receipts: new PrismaReceiptRepository(prisma),
    anchorRequests: new PrismaAnchorRequestRepository(prisma),
    sponsorships: new PrismaSponsorshipRepository(prisma),
    sponsorTransactions: new PrismaSponsorTransactionRepository(prisma),
    treasuryRefills: new PrismaTreasuryRefillRepository(prisma),
    sponsorAudit: new PrismaSponsorAuditRepository(prisma),
    peers: new PrismaPeerRepository(prisma),
    async ping() {
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch (error) {
        throw toDbError(error, 'ping');
      }
    },
    close() {
      closed ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })();
      return closed;
    },
  };
}
