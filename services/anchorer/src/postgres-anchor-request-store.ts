/**
 * The AnchorRequestStore on PostgreSQL (or the embedded PGlite) through @anchorpost/db's
 * AnchorRequestRepository, on the engine's RowRequestStore: AnchorRecord ↔ row, with the states in
 * the database's lower case.
 */
import { AnchorState, RowRequestStore, type AnchorRecord, type AnchorRequestStore } from '@anchorpost/chains';
import type { AnchorRequestRecord, AnchorRequestRepository, AnchorRequestState } from '@anchorpost/db';

const TO_ROW_STATE: Readonly<Record<AnchorState, AnchorRequestState>> = {
  [AnchorState.Pending]: 'pending',
  [AnchorState.Submitted]: 'submitted',
  [AnchorState.Mined]: 'mined',
  [AnchorState.Confirmed]: 'confirmed',
  [AnchorState.Finalized]: 'finalized',
  [AnchorState.Failed]: 'failed',
};

const FROM_ROW_STATE: Readonly<Record<AnchorRequestState, AnchorState>> = {
  pending: AnchorState.Pending,
  submitted: AnchorState.Submitted,
  mined: AnchorState.Mined,
  confirmed: AnchorState.Confirmed,
  finalized: AnchorState.Finalized,
  failed: AnchorState.Failed,
};

export class PostgresAnchorRequestStore
  extends RowRequestStore<AnchorRecord, AnchorRequestRecord>
  implements AnchorRequestStore
{
  /** `requests`: `database.anchorRequests` of an opened @anchorpost/db Database. */
  constructor(requests: AnchorRequestRepository) {
    super({
      rows: requests,
      toRow: (record) => ({ ...record, state: TO_ROW_STATE[record.state] }),
      toRecord: (row) => ({ ...row, state: FROM_ROW_STATE[row.state] }),
      name: 'anchor request',
    });
  }
}
