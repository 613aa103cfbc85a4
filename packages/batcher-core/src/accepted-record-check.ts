/**
 * What the batcher checks of each `tx-file.accepted` record before it may go into a batch: that it
 * decodes, that the tx-file bytes it carries hash to the CID it names (the protocol's `cidForBytes`,
 * Kubo-identical), and that its receipt is signed by a relay key the batcher trusts. The receipt
 * signs the CID, so together the bytes are the relay's. Deterministic: the same record gets the
 * same answer on every run (for the same trusted keys).
 */
import type { BusRecord } from '@anchorpost/bus-port';
import { txFileAccepted } from '@anchorpost/events';
import type { TxFileAccepted } from '@anchorpost/events';
import { cidForBytes, CidCodec, cidToBytes } from '@anchorpost/protocol';
import { RecordRefusalReason } from './record-refusal.ts';
import type { RecordRefusal } from './record-refusal.ts';
import type { ReceiptSignature, ReceiptSignatureChecks } from './receipt-signatures.ts';
import type { RelayKeyRing } from './relay-key-ring.ts';

const TX_FILE_CODECS = [CidCodec.Raw, CidCodec.DagPb];

export interface CheckedTxFile {
  readonly ok: true;
  readonly cid: string;
  /** The CID's 36 bytes, as the batch holds it. */
  readonly cidBytes: Uint8Array;
  readonly acceptedAt: string;
  readonly txFile: Uint8Array;
  /** A peer platform's file (ADR 0031): anchored in the peer's batch, not to be sealed in ours. */
  readonly origin: string | undefined;
}

export type RecordCheck = CheckedTxFile | { readonly ok: false; readonly refusal: RecordRefusal };

/**
 * Checks records side by side: each decoded and its bytes hashed here, then every receipt
 * signature among them in one call to `signatures` (which spreads them over its worker threads).
 * One answer per record, in order.
 */
export async function checkAcceptedRecords(
  records: readonly BusRecord[],
  relayKeys: RelayKeyRing,
  signatures: ReceiptSignatureChecks,
): Promise<RecordCheck[]> {
  const decoded = await Promise.all(records.map((record) => decodeAcceptedRecord(record, relayKeys)));
  const toVerify = decoded.filter((entry) => entry.kind === 'verify');
  const valid = await signatures.verify(toVerify.map((entry) => entry.check));
  const verdicts = new Map(toVerify.map((entry, i) => [entry, valid[i]!]));
  return decoded.map((entry) => {
    if (entry.kind === 'done') return entry.result;
    return verdicts.get(entry) === true
      ? entry.checked
      : signatureRefusal(entry.claimed, RecordRefusalReason.BadReceiptSignature);
  });
}

/** Where a record is and what it claims, for a refusal. */
interface Claimed {
  partition: number;
  offset: number;
  cid: string;
  relayKeyId: string;
}

type Decoded =
  | { kind: 'done'; result: RecordCheck }
  | { kind: 'verify'; checked: CheckedTxFile; claimed: Claimed; check: ReceiptSignature };

/** Everything but the signature check itself: decodes, CID of the bytes, the key and signature's form. */
async function decodeAcceptedRecord(record: BusRecord, relayKeys: RelayKeyRing): Promise<Decoded> {
  const at = { partition: record.partition, offset: record.offset };
  let event: TxFileAccepted;
  let cidBytes: Uint8Array;
  try {
    event = txFileAccepted.decode(record.value);
    cidBytes = cidToBytes(event.cid, 'cid', TX_FILE_CODECS);
  } catch (error) {
    const detail = `not a tx-file.accepted event: ${(error as Error).message}`.slice(0, 300);
    return {
      kind: 'done',
      result: { ok: false, refusal: { reason: RecordRefusalReason.Undecodable, ...at, detail } },
    };
  }
  const claimed: Claimed = { ...at, cid: event.cid, relayKeyId: event.receipt.relayKeyId };
  const actual = await cidForBytes(event.txFile);
  if (actual !== event.cid) {
    const detail = `the tx-file bytes (${event.txFile.length}) have CID ${actual}, the record names ${event.cid}`;
    return {
      kind: 'done',
      result: { ok: false, refusal: { reason: RecordRefusalReason.CidMismatch, ...claimed, detail } },
    };
  }
  const signature = relayKeys.signature(event.receipt);
  if ('refusal' in signature) return { kind: 'done', result: signatureRefusal(claimed, signature.refusal) };
  const checked: CheckedTxFile = {
    ok: true,
    cid: event.cid,
    cidBytes,
    acceptedAt: event.receipt.acceptedAt,
    txFile: event.txFile,
    origin: event.origin,
  };
  return { kind: 'verify', checked, claimed, check: signature.check };
}

function signatureRefusal(
  claimed: Claimed,
  reason: typeof RecordRefusalReason.UnknownRelayKey | typeof RecordRefusalReason.BadReceiptSignature,
): RecordCheck {
  const detail =
    reason === RecordRefusalReason.UnknownRelayKey
      ? `the receipt names relay key ${claimed.relayKeyId}, which this batcher does not trust`
      : `the receipt's signature does not verify with relay key ${claimed.relayKeyId}`;
  return { ok: false, refusal: { reason, ...claimed, detail } };
}
