/**
 * A relay client's outbox: records of a log of its own (the updater's deploy log, the sponsor's
 * ledger) become one tx-file each — the record's bytes the message data under a header naming
 * its kind, sealed to a group and signed by the client's key — submitted through the relay like
 * any client's file, so the batcher seals them into batch-files and each has an inclusion proof.
 *
 * A record's file is built and stored before it is sent, and sent again as the same bytes until
 * the relay accepts it. The relay takes a resend as a duplicate of what it has, and the files'
 * state chain (each one's `state.before` is the previous one's `state.after`) never forks, which
 * a file rebuilt after a crash would (STATE_FORK). Files go in record order, one at a time.
 */
import { buildTxFile, cidForBytes, GENESIS_STATE, serializeTxFile } from '@anchorpost/protocol';
import type { BlockRef, GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { OutboxError } from './outbox-error.ts';

/** One record of the log, as it goes into its tx-file's message. */
export interface OutboxRecord {
  /** The record's place in the log: increasing, never reused. */
  readonly seq: number;
  /** The message data: the record's own canonical bytes. */
  readonly data: Uint8Array;
}

/** One record's tx-file, as stored before it is sent. */
export interface OutboxTxFile {
  /** The record's sequence number. */
  readonly seq: number;
  readonly cid: string;
  readonly bytes: Uint8Array;
  readonly stateAfter: string;
  /** Set once the relay has accepted it. */
  readonly submitted: boolean;
}

/** Where the files go: the relay's `POST /v1/tx-files` in a service (RelayTxFileSubmitter). */
export interface TxFileSubmitter {
  /** Resolves with the CID the relay's receipt names once it has the file (a duplicate included). */
  submit(bytes: Uint8Array): Promise<{ readonly cid: string }>;
}

/** Who writes the files, and to whom. */
export interface TxFileAuthor {
  readonly group: Pick<GroupKeys, 'suite' | 'publicKey' | 'secret'>;
  /** The client identity, registered with its tenant at the relay. */
  readonly client: PrivateIdentity;
  /** The block references a new file names (the relay may check them against its chain). */
  blockchain(): Promise<{ readonly lastblock: BlockRef; readonly trustedblock: BlockRef }>;
}

/** The log and its files, kept together by the client's store. */
export interface TxFileOutboxStore {
  /** Every stored file with a sequence number above `afterSeq`, in order. */
  txFiles(afterSeq?: number): Promise<readonly OutboxTxFile[]>;
  /** The log's records above `afterSeq`, in order. */
  records(afterSeq: number): Promise<readonly OutboxRecord[]>;
  /** Stores a new file; a file already stored for that record stays as it is. */
  addTxFile(file: OutboxTxFile): Promise<void>;
  markTxFileSubmitted(seq: number): Promise<void>;
}

/** The tx-file of one record, chained on `before`; `header` names the log's kind of record. */
export async function outboxTxFile(
  author: TxFileAuthor,
  header: string,
  record: OutboxRecord,
  before: string,
): Promise<OutboxTxFile> {
  const tx = buildTxFile({
    group: author.group,
    senders: [author.client],
    client: author.client,
    before,
    blockchain: await author.blockchain(),
    message: { header: new TextEncoder().encode(header), data: record.data },
  });
  const bytes = serializeTxFile(tx);
  return {
    seq: record.seq,
    cid: await cidForBytes(bytes),
    bytes,
    stateAfter: tx.state.after,
    submitted: false,
  };
}

export interface TxFileOutbox {
  readonly store: TxFileOutboxStore;
  readonly author: TxFileAuthor;
  readonly relay: TxFileSubmitter;
  /** The message header that marks the log's records. */
  readonly header: string;
}

/**
 * Builds and stores a file for every record that has none, then sends the stored ones the relay has
 * not accepted yet, in order; the number sent. A failure stops the pass (a later file must not
 * reach the relay before an earlier one) and is thrown; the next pass resumes there.
 */
export async function drainTxFileOutbox(outbox: TxFileOutbox): Promise<number> {
  const { store, author, relay, header } = outbox;
  const stored = await store.txFiles();
  let last = stored.at(-1);
  for (const record of await store.records(last?.seq ?? 0)) {
    const file = await outboxTxFile(author, header, record, last?.stateAfter ?? GENESIS_STATE);
    await store.addTxFile(file);
    last = file;
  }
  let sent = 0;
  for (const file of await store.txFiles()) {
    if (file.submitted) continue;
    const { cid } = await relay.submit(file.bytes);
    if (cid !== file.cid) {
      throw new OutboxError(
        'RELAY_RECEIPT_MISMATCH',
        `the relay's receipt names ${cid}, but record ${file.seq} was sent as ${file.cid}`,
      );
    }
    await store.markTxFileSubmitted(file.seq);
    sent += 1;
  }
  return sent;
}
