/**
 * The deploy log, anchored: each record becomes one tx-file — its RFC 8785 JSON the message data,
 * sealed to the deploy log's group and signed by the updater's client key — submitted through the
 * relay like any client's file, so the batcher seals it into a batch-file and the anchorer puts
 * that batch on chain, and its proof is the proof API's like any other.
 *
 * An outbox: a record's file is built and stored before it is sent, and sent again as the same
 * bytes until the relay accepts it. The relay takes a resend as a duplicate of what it has, and the
 * files' state chain (each one's `state.before` is the previous one's `state.after`) never forks,
 * which a file rebuilt after a crash would (STATE_FORK). Files go in record order, one at a time.
 */
import { buildTxFile, cidForBytes, GENESIS_STATE, serializeTxFile } from '@anchorpost/protocol';
import type { BlockRef, GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { canonicalJson } from '@anchorpost/release';
import type { DeployLogEntry } from './deploy-log.ts';
import { UpdaterError } from './updater-error.ts';

/** What marks a tx-file's message as a deploy-log record (its sealed header). */
export const DEPLOY_LOG_HEADER = 'anchorpost-deploy-log/1';

/** One record's tx-file, as stored before it is sent. */
export interface DeployLogTxFile {
  /** The record's sequence number. */
  readonly seq: number;
  readonly cid: string;
  readonly bytes: Uint8Array;
  readonly stateAfter: string;
  /** Set once the relay has accepted it. */
  readonly submitted: boolean;
}

/** Where the files go: the relay's `POST /v1/tx-files` in the service. */
export interface TxFileSubmitter {
  /** Resolves with the CID the relay's receipt names once it has the file (a duplicate included). */
  submit(bytes: Uint8Array): Promise<{ readonly cid: string }>;
}

/** Who writes the deploy log's files, and to whom. */
export interface DeployLogWriter {
  readonly group: Pick<GroupKeys, 'suite' | 'publicKey' | 'secret'>;
  /** The updater's client identity, registered with its tenant at the relay. */
  readonly client: PrivateIdentity;
  /** The block references a new file names (the relay may check them against its chain). */
  blockchain(): Promise<{ readonly lastblock: BlockRef; readonly trustedblock: BlockRef }>;
}

/** The records' files, kept with the deploy log (the UpdaterStore's adapters implement it). */
export interface DeployLogOutbox {
  /** Every stored file from `afterSeq` on, in order. */
  deployLogTxFiles(afterSeq?: number): Promise<readonly DeployLogTxFile[]>;
  /** Stores a new file; a file already stored for that record stays as it is. */
  addDeployLogTxFile(file: DeployLogTxFile): Promise<void>;
  markDeployLogTxFileSubmitted(seq: number): Promise<void>;
  deployLog(afterSeq?: number): Promise<readonly DeployLogEntry[]>;
}

/** The tx-file of one record, chained on `before`. */
export async function deployLogTxFile(
  writer: DeployLogWriter,
  entry: DeployLogEntry,
  before: string,
): Promise<DeployLogTxFile> {
  const tx = buildTxFile({
    group: writer.group,
    senders: [writer.client],
    client: writer.client,
    before,
    blockchain: await writer.blockchain(),
    message: {
      header: new TextEncoder().encode(DEPLOY_LOG_HEADER),
      data: new TextEncoder().encode(canonicalJson(entry)),
    },
  });
  const bytes = serializeTxFile(tx);
  return {
    seq: entry.seq,
    cid: await cidForBytes(bytes),
    bytes,
    stateAfter: tx.state.after,
    submitted: false,
  };
}

/**
 * Builds and stores a file for every record that has none, then sends the stored ones the relay has
 * not accepted yet, in order; the number sent. A failure stops the pass (a later file must not
 * reach the relay before an earlier one) and is thrown; the next pass resumes there.
 */
export async function anchorDeployLog(
  outbox: DeployLogOutbox,
  writer: DeployLogWriter,
  relay: TxFileSubmitter,
): Promise<number> {
  const stored = await outbox.deployLogTxFiles();
  let last = stored.at(-1);
  for (const entry of await outbox.deployLog(last?.seq ?? 0)) {
    const file = await deployLogTxFile(writer, entry, last?.stateAfter ?? GENESIS_STATE);
    await outbox.addDeployLogTxFile(file);
    last = file;
  }
  let sent = 0;
  for (const file of await outbox.deployLogTxFiles()) {
    if (file.submitted) continue;
    const { cid } = await relay.submit(file.bytes);
    if (cid !== file.cid) {
      throw new UpdaterError(
        'RELAY_RECEIPT_MISMATCH',
        `the relay's receipt names ${cid}, but deploy-log record ${file.seq} was sent as ${file.cid}`,
      );
    }
    await outbox.markDeployLogTxFileSubmitted(file.seq);
    sent += 1;
  }
  return sent;
}
