/**
 * The relay's gRPC messages as @grpc/proto-loader hands them over (camelCase fields, uint64 as
 * decimal text, bytes as Buffer, defaults filled in) and the conversions from relay-core types.
 */
import type { DeliveredTxFile, RelayReceipt } from '@anchorpost/relay-core';
import type { ErrorBody } from '@anchorpost/service-kit';

export interface ReceiptMessage {
  version: number;
  cid: string;
  recipientHash: string;
  acceptedAt: string;
  /** uint64 as decimal text, so it round-trips exactly. */
  sequence: string;
  relayKeyId: string;
  signature: string;
}

export interface TxFileErrorMessage {
  code: string;
  field: string;
  message: string;
  retryable: boolean;
}

export interface SubmitTxFileRequest {
  tenantId: string;
  txFile: Uint8Array;
}

export interface SubmitTxFileResponse {
  receipt: ReceiptMessage;
  duplicate: boolean;
}

export type SubmitTxFilesRequest = SubmitTxFileRequest;

export interface SubmitTxFilesResponse {
  index: string;
  receipt?: ReceiptMessage;
  error?: TxFileErrorMessage;
  duplicate: boolean;
}

export interface SubscribeRequest {
  recipientHash: string;
  /** Absent (or empty): the live end. */
  cursor?: string;
}

export interface SubscribeResponse {
  cid: string;
  txFile: Uint8Array;
  receipt: ReceiptMessage;
  cursor: string;
}

export interface GetReceiptRequest {
  cid: string;
}

export interface GetReceiptResponse {
  receipt: ReceiptMessage;
}

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

export function txFileErrorMessage(body: ErrorBody): TxFileErrorMessage {
  const { code, field, message, retryable } = body.error;
  return { code, field: field ?? '', message, retryable };
}

export function subscribeResponse(delivered: DeliveredTxFile): SubscribeResponse {
  return {
    cid: delivered.cid,
    txFile: delivered.txFile,
    receipt: receiptMessage(delivered.receipt),
    cursor: delivered.cursor,
  };
}
