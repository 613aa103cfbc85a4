/**
 * `anchorpost.tx-file.accepted.v1` — the relay accepted a transaction-file: its bytes are stored
 * (and pinned) under `cid`, and the relay signed `receipt`. Key: the recipient hash, so one
 * group's files stay in order on one partition. The bytes ride along (at most 1 MiB) so delivery to
 * subscribers needs no storage round trip.
 */
import { fromBase64, toBase64 } from '@anchorpost/protocol';
import {
  BASE64,
  CID_TEXT,
  count,
  decodeJson,
  encodeJson,
  HASH128,
  HEX64,
  ISO_TIME,
  literal,
  object,
  text,
} from './codec.ts';
import { EventDecodeError } from './event-error.ts';

const RECEIPT_KEYS = [
  'version',
  'cid',
  'recipientHash',
  'acceptedAt',
  'sequence',
  'relayKeyId',
  'signature',
] as const;

export const TX_FILE_ACCEPTED_TOPIC = 'anchorpost.tx-file.accepted.v1';

/** What the relay signs. `signature` is Ed25519 over `receiptSigningBytes` of the other fields. */
export interface RelayReceipt {
  version: 1;
  cid: string;
  recipientHash: string;
  acceptedAt: string;
  /** The relay's own monotonically increasing acceptance number. */
  sequence: number;
  /** SHA-256 fingerprint (hex) of the relay's signing key. */
  relayKeyId: string;
  signature: string;
}

export interface TxFileAccepted {
  cid: string;
  recipientHash: string;
  receipt: RelayReceipt;
  txFile: Uint8Array;
  /**
   * Set on a file that came from a peer platform (ADR 0031): the peer's name. Its batch is the
   * peer's, anchored on the peer's contract, so the batcher leaves it out of this platform's own.
   */
  origin?: string;
}

const PLATFORM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const txFileAccepted = {
  topic: TX_FILE_ACCEPTED_TOPIC,
  key: (event: TxFileAccepted): string => event.recipientHash,
  encode(event: TxFileAccepted): Uint8Array {
    return encodeJson({
      cid: event.cid,
      recipientHash: event.recipientHash,
      receipt: event.receipt,
      txFile: toBase64(event.txFile),
      ...(event.origin === undefined ? {} : { origin: event.origin }),
    });
  },
  decode(bytes: Uint8Array): TxFileAccepted {
    const t = TX_FILE_ACCEPTED_TOPIC;
    const fields = decodeJson(t, bytes, ['cid', 'recipientHash', 'receipt', 'txFile', 'origin']);
    const receiptFields = object(t, fields.receipt, 'receipt', RECEIPT_KEYS);
    const receipt: RelayReceipt = {
      version: literal(t, receiptFields, 'version', 1),
      cid: text(t, receiptFields, 'cid', CID_TEXT),
      recipientHash: text(t, receiptFields, 'recipientHash', HASH128),
      acceptedAt: text(t, receiptFields, 'acceptedAt', ISO_TIME),
      sequence: count(t, receiptFields, 'sequence'),
      relayKeyId: text(t, receiptFields, 'relayKeyId', HEX64),
      signature: text(t, receiptFields, 'signature', BASE64),
    };
    const event: TxFileAccepted = {
      cid: text(t, fields, 'cid', CID_TEXT),
      recipientHash: text(t, fields, 'recipientHash', HASH128),
      receipt,
      txFile: fromBase64(text(t, fields, 'txFile', BASE64), 'txFile'),
    };
    if (fields.origin !== undefined) event.origin = text(t, fields, 'origin', PLATFORM_NAME);
    if (receipt.cid !== event.cid || receipt.recipientHash !== event.recipientHash) {
      throw new EventDecodeError(t, 'the receipt is for another file or recipient');
    }
    return event;
  },
};
