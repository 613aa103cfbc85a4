/**
 * @anchorpost/db-port — the database port of Anchorpost: the index and receipt repositories, the
 * peer store and the sponsorship store as interfaces, the rows they hold and the DbError table. No database code
 * and no dependency but the protocol, so the cores and the proof verifier can name them without
 * installing Prisma or PGlite; the implementations are in @anchorpost/db.
 */
export { DbError, isDbError, type DbErrorCode } from './db-error.ts';
export type * from './records.ts';
export type { IndexRepository } from './index-repository.ts';
export type {
  ChainPositionKey,
  NewRelayReceipt,
  PublishedReceipt,
  ReceiptRepository,
  RelayReceiptRecord,
  RelayReceiptState,
} from './receipt-repository.ts';
export type * from './sponsorship-store.ts';
export type * from './peer-store.ts';
