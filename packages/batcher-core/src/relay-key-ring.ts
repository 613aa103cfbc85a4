/**
 * The relay keys the batcher trusts: a receipt must name one of them (`relayKeyId`) and be signed by
 * it. Keys come from configuration as the raw 32-byte Ed25519 public key (bytes or 64 hex
 * characters), SPKI PEM, or a KeyObject; several are allowed (relays with their own keys, a key
 * rotation).
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { RelayReceipt } from '@anchorpost/events';
import { fromHex } from '@anchorpost/protocol';
import { rawEd25519PublicKey, receiptSigningBytes, relayKeyId } from '@anchorpost/relay-core/receipts';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import type { ReceiptSignature } from './receipt-signatures.ts';
import { RecordRefusalReason } from './record-refusal.ts';

/** A relay's public key: raw 32 bytes, 64 hex characters, SPKI PEM, or a KeyObject. */
export type RelayPublicKey = Uint8Array | string | KeyObject;

function bad(index: number, why: string): BatcherError {
  return new BatcherError(BatcherErrorCode.BadOptions, `relayKeys[${index}] ${why}`, false);
}

function toKeyObject(key: RelayPublicKey, index: number): KeyObject {
  let parsed: KeyObject;
  try {
    if (typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key.trim())) {
      key = fromHex(key.trim().toLowerCase());
    }
    if (key instanceof Uint8Array) {
      if (key.length !== 32) throw bad(index, `must be 32 bytes, got ${key.length}`);
      const x = Buffer.from(key).toString('base64url');
      parsed = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    } else if (typeof key === 'string') {
      parsed = createPublicKey({ key, format: 'pem' });
    } else {
      parsed = key;
    }
  } catch (error) {
    if (error instanceof BatcherError) throw error;
    throw bad(index, 'is not an Ed25519 public key (raw 32 bytes, 64 hex characters or SPKI PEM)');
  }
  if (parsed.type !== 'public' || parsed.asymmetricKeyType !== 'ed25519')
    throw bad(index, 'is not an Ed25519 public key');
  return parsed;
}

/** A receipt's signature to check, or why it cannot be a trusted relay's without checking. */
export type ReceiptSignatureOrRefusal =
  | { readonly check: ReceiptSignature }
  | {
      readonly refusal:
        typeof RecordRefusalReason.UnknownRelayKey | typeof RecordRefusalReason.BadReceiptSignature;
    };

export class RelayKeyRing {
  /** Key id → the raw 32-byte key. */
  readonly #keys: ReadonlyMap<string, Uint8Array>;

  private constructor(keys: ReadonlyMap<string, Uint8Array>) {
    this.#keys = keys;
  }

  /** At least one key; BAD_OPTIONS naming the one that is not an Ed25519 public key. */
  static of(keys: readonly RelayPublicKey[] | undefined): RelayKeyRing {
    if (keys === undefined || keys.length === 0)
      throw new BatcherError(
        BatcherErrorCode.BadOptions,
        'relayKeys must name at least one relay public key: receipts are checked against them',
        false,
      );
    const map = new Map<string, Uint8Array>();
    keys.forEach((key, index) => {
      const raw = rawEd25519PublicKey(toKeyObject(key, index));
      map.set(relayKeyId(raw), raw);
    });
    return new RelayKeyRing(map);
  }

  /** The ids (`relayKeyId`) of the trusted keys. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  /**
   * relay-core's verifyReceipt, its signature check left to the caller (ReceiptSignatureChecks,
   * which may run it on another thread), and less its first step: the key is found by the
   * receipt's `relayKeyId`, so deriving that id from the key again (an export and a hash per
   * receipt, 7 % of a seal's CPU) would only repeat the look-up.
   */
  signature(receipt: RelayReceipt): ReceiptSignatureOrRefusal {
    const publicKey = this.#keys.get(receipt.relayKeyId);
    if (publicKey === undefined) return { refusal: RecordRefusalReason.UnknownRelayKey };
    if (typeof receipt.signature !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(receipt.signature))
      return { refusal: RecordRefusalReason.BadReceiptSignature };
    const signature = Buffer.from(receipt.signature, 'base64');
    if (signature.length !== 64) return { refusal: RecordRefusalReason.BadReceiptSignature };
    // receiptSigningBytes reads only the signed fields, the relayKeyId among them.
    return { check: { message: receiptSigningBytes(receipt), signature, publicKey } };
  }
}
