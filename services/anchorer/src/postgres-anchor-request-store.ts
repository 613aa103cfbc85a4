/**
 * The AnchorRequestStore on PostgreSQL (or the embedded PGlite) through @anchorpost/db's
 * AnchorRequestRepository: AnchorRecord ↔ row, with the states in the database's lower case and
 * the repository's compare-and-swap outcomes turned into the port's ChainErrors.
 */
import {
  AnchorState,
  ChainError,
  ChainErrorCode,
  type AnchorRecord,
  type AnchorRequestStore,
} from '@anchorpost/chains';
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

function toRow(record: AnchorRecord): AnchorRequestRecord {
  return { ...record, state: TO_ROW_STATE[record.state] };
}

function toRecord(row: AnchorRequestRecord): AnchorRecord {
  return { ...row, state: FROM_ROW_STATE[row.state] };
}

export class PostgresAnchorRequestStore implements AnchorRequestStore {
  readonly #requests: AnchorRequestRepository;

  /** `requests`: `database.anchorRequests` of an opened @anchorpost/db Database. */
  constructor(requests: AnchorRequestRepository) {
    this.#requests = requests;
  }

  async create(record: AnchorRecord): Promise<AnchorRecord> {
    return toRecord(await this.#requests.createRequest(toRow(record)));
  }

  async get(chain: string, sequence: number): Promise<AnchorRecord | undefined> {
    const row = await this.#requests.getRequest(chain, sequence);
    return row === null ? undefined : toRecord(row);
  }

  async update(record: AnchorRecord): Promise<void> {
    const result = await this.#requests.updateRequest(toRow(record));
    const name = `anchor request ${record.chain}#${record.sequence}`;
    switch (result.outcome) {
      case 'updated':
        return;
      case 'missing':
        throw new ChainError(ChainErrorCode.NotFound, `no ${name}`);
      case 'stale':
        throw new ChainError(
          ChainErrorCode.StoreConflict,
          `${name}: stored version ${result.storedVersion}, write based on ${record.version - 1}`,
        );
    }
  }

  async listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<AnchorRecord[]> {
    return (await this.#requests.listOpenRequests(chain, page)).map(toRecord);
  }
}
