/**
 * The deploy log, anchored: each record becomes one tx-file — its RFC 8785 JSON the message data,
 * sealed to the deploy log's group and signed by the updater's client key — submitted through the
 * relay like any client's file, so the batcher seals it into a batch-file and the anchorer puts
 * that batch on chain, and its proof is the proof API's like any other.
 *
 * The outbox itself (build and store before sending, resend the same bytes, one state chain) is
 * the relay client's shared one, `drainTxFileOutbox` of @anchorpost/relay-core; this file only
 * says what a deploy-log record's bytes are and where its files are kept.
 */
import { drainTxFileOutbox, outboxTxFile } from '@anchorpost/relay-core';
import type { OutboxTxFile, TxFileAuthor, TxFileSubmitter } from '@anchorpost/relay-core';
import { canonicalJson } from '@anchorpost/release';
import type { DeployLogEntry } from './deploy-log.ts';

export type { TxFileSubmitter } from '@anchorpost/relay-core';

/** What marks a tx-file's message as a deploy-log record (its sealed header). */
export const DEPLOY_LOG_HEADER = 'anchorpost-deploy-log/1';

/** One record's tx-file, as stored before it is sent. */
export type DeployLogTxFile = OutboxTxFile;

/** Who writes the deploy log's files, and to whom. */
export type DeployLogWriter = TxFileAuthor;

/** The records' files, kept with the deploy log (the UpdaterStore's adapters implement it). */
export interface DeployLogOutbox {
  /** Every stored file from `afterSeq` on, in order. */
  deployLogTxFiles(afterSeq?: number): Promise<readonly DeployLogTxFile[]>;
  /** Stores a new file; a file already stored for that record stays as it is. */
  addDeployLogTxFile(file: DeployLogTxFile): Promise<void>;
  markDeployLogTxFileSubmitted(seq: number): Promise<void>;
  deployLog(afterSeq?: number): Promise<readonly DeployLogEntry[]>;
}

const record = (entry: DeployLogEntry) => ({
  seq: entry.seq,
  data: new TextEncoder().encode(canonicalJson(entry)),
});

/** The tx-file of one record, chained on `before`. */
export function deployLogTxFile(
  writer: DeployLogWriter,
  entry: DeployLogEntry,
  before: string,
): Promise<DeployLogTxFile> {
  return outboxTxFile(writer, DEPLOY_LOG_HEADER, record(entry), before);
}

/**
 * Builds and stores a file for every record that has none, then sends the stored ones the relay has
 * not accepted yet, in order; the number sent. A failure stops the pass and is thrown (OutboxError
 * of @anchorpost/relay-core); the next pass resumes there.
 */
export function anchorDeployLog(
  outbox: DeployLogOutbox,
  writer: DeployLogWriter,
  relay: TxFileSubmitter,
): Promise<number> {
  return drainTxFileOutbox({
    header: DEPLOY_LOG_HEADER,
    author: writer,
    relay,
    store: {
      txFiles: (afterSeq) => outbox.deployLogTxFiles(afterSeq),
      records: async (afterSeq) => (await outbox.deployLog(afterSeq)).map(record),
      addTxFile: (file) => outbox.addDeployLogTxFile(file),
      markTxFileSubmitted: (seq) => outbox.markDeployLogTxFileSubmitted(seq),
    },
  });
}
