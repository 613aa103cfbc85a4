/**
 * Conversions between relay-core's types and the relay's gRPC messages. The message types are
 * generated from the .proto (src/generated) with the loader's options: camelCase fields, uint64
 * as decimal text, bytes as Buffer, defaults filled in.
 */
import type { DeliveredTxFile, RelayReceipt } from '@anchorpost/relay-core';
import type { ErrorBody } from '@anchorpost/service-kit';
import type { GetReceiptResponse__Output } from '../generated/anchorpost/relay/v1/GetReceiptResponse.ts';
import type { Receipt__Output } from '../generated/anchorpost/relay/v1/Receipt.ts';
import type { SubmitTxFileResponse__Output } from '../generated/anchorpost/relay/v1/SubmitTxFileResponse.ts';
import type { SubmitTxFilesRequest as SubmitTxFilesRequestIn } from '../generated/anchorpost/relay/v1/SubmitTxFilesRequest.ts';
import type { SubmitTxFilesResponse__Output } from '../generated/anchorpost/relay/v1/SubmitTxFilesResponse.ts';
import type {
  SubscribeResponse as SubscribeResponseIn,
  SubscribeResponse__Output,
} from '../generated/anchorpost/relay/v1/SubscribeResponse.ts';
import type { TxFileError__Output } from '../generated/anchorpost/relay/v1/TxFileError.ts';

/** A receipt as a client receives it: every field present, `sequence` as decimal text so it round-trips exactly. */
export type ReceiptMessage = Receipt__Output;

/**
 * The loader leaves an unset message field null; this relay sets the receipt in every successful
 * answer, so a client of it may count on one.
 */
type WithReceipt<Message> = Message & { receipt: ReceiptMessage };

/** The answers as a client of this relay receives them. */
export type SubmitTxFileResponse = WithReceipt<SubmitTxFileResponse__Output>;
export type SubmitTxFilesRequest = SubmitTxFilesRequestIn;
export type SubmitTxFilesResponse = SubmitTxFilesResponse__Output;
export type SubscribeResponse = WithReceipt<SubscribeResponse__Output>;
export type GetReceiptResponse = WithReceipt<GetReceiptResponse__Output>;

export function receiptMessage(receipt: RelayReceipt): ReceiptMessage {
  return {
    version: receipt.version,
    cid: receipt.cid,
    recipientHash: receipt.recipientHash,
    acceptedAt: receipt.acceptedAt,
    sequence: String(receipt.sequence),
    relayKeyId: receipt.relayKeyId,
    signature: receipt.signature,
  };
}

/** Back to the signed form, e.g. for `verifyReceipt` on the client side. */
export function receiptFromMessage(message: ReceiptMessage): RelayReceipt {
  if (message.version !== 1) throw new Error(`unknown receipt version ${message.version}`);
  const sequence = Number(message.sequence);
  if (!Number.isSafeInteger(sequence))
    throw new Error(`receipt sequence ${message.sequence} is out of range`);
  return {
    version: 1,
    cid: message.cid,
    recipientHash: message.recipientHash,
    acceptedAt: message.acceptedAt,
    sequence,
    relayKeyId: message.relayKeyId,
    signature: message.signature,
  };
}

export function txFileErrorMessage(body: ErrorBody): TxFileError__Output {
  const { code, field, message, retryable } = body.error;
  return { code, field: field ?? '', message, retryable };
}

export function subscribeResponse(delivered: DeliveredTxFile): SubscribeResponseIn {
  return {
    cid: delivered.cid,
    txFile: delivered.txFile,
    receipt: receiptMessage(delivered.receipt),
    cursor: delivered.cursor,
    // A peer platform's file (ADR 0031) names the peer; this platform's own files have no origin.
    ...(delivered.origin === undefined ? {} : { origin: delivered.origin }),
  };
}
