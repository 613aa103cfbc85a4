/**
 * The AnchorRequestStore on PostgreSQL (or the embedded PGlite) through @anchorpost/db's
 * AnchorRequestRepository, on the engine's RowRequestStore: the row is the AnchorRecord field for
 * field (the store writes the state in the database's lower case).
 */
import { RowRequestStore, type AnchorRecord, type AnchorRequestStore } from '@anchorpost/chains';
import type { AnchorRequestRecord, AnchorRequestRepository } from '@anchorpost/db';

export class PostgresAnchorRequestStore
  extends RowRequestStore<AnchorRecord, AnchorRequestRecord>
  implements AnchorRequestStore
{
  /** `requests`: `database.anchorRequests` of an opened @anchorpost/db Database. */
  constructor(requests: AnchorRequestRepository) {
    super({ rows: requests, toRow: (record) => record, toRecord: (row) => row, name: 'anchor request' });
  }
}
