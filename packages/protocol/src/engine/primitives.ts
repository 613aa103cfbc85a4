/**
 * One engine, two sets of primitives (ADR 0040). The protocol's logic that needs cryptography —
 * building and opening tx-files, their signatures and state chain, vote signatures, groups — is
 * written once, as generators that yield each primitive call ({@link call}). A runner answers
 * them: {@link runSync} with node:crypto's synchronous primitives (./node-primitives.ts, what
 * `buildTxFile` and `openTxFile` run), {@link runAsync} with WebCrypto's asynchronous ones
 * (./web-primitives.ts, what browsers run). No Node built-in is reachable from this module.
 */
import type { SuiteName } from '../tx-file/schema.ts';
import type { DerKeyPair } from '../crypto/suite.ts';

export type Awaitable<T> = T | Promise<T>;

/** One suite's asymmetric primitives (crypto/suite.ts says what each does). */
export interface SuitePrimitives {
  generateEncryptionKeyPair(): Promise<DerKeyPair>;
  generateSigningKeyPair(): Promise<DerKeyPair>;
  seal(publicKey: Uint8Array, plaintext: Uint8Array, context: string): Awaitable<Uint8Array>;
  open(privateKey: Uint8Array, sealed: Uint8Array, context: string): Awaitable<Uint8Array>;
  sign(privateKey: Uint8Array, message: Uint8Array): Awaitable<Uint8Array>;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Awaitable<boolean>;
}

/** Every primitive the protocol's engine calls. */
export interface CryptoPrimitives {
  randomBytes(length: number): Uint8Array;
  sha256(data: Uint8Array): Awaitable<Uint8Array>;
  sha512(data: Uint8Array): Awaitable<Uint8Array>;
  hmacSha512(key: Uint8Array, data: Uint8Array): Awaitable<Uint8Array>;
  /** AES-256-GCM, random 96-bit nonce: nonce ‖ ciphertext ‖ 16-byte tag. */
  aeadEncrypt(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Awaitable<Uint8Array>;
  /** Inverse of aeadEncrypt; throws (a plain Error) when anything does not match. */
  aeadDecrypt(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Awaitable<Uint8Array>;
  /** The suite's primitives; a ProtocolError UNKNOWN_SUITE when this platform has none. */
  suite(name: SuiteName): SuitePrimitives;
}

export type CryptoStep = (primitives: CryptoPrimitives) => Awaitable<unknown>;
/** A computation of the engine: yields primitive calls, returns its result. */
export type Steps<T> = Generator<CryptoStep, T, unknown>;

/** One primitive call inside an engine generator: `const digest = yield* call((c) => c.sha512(bytes))`. */
export function* call<T>(step: (primitives: CryptoPrimitives) => Awaitable<T>): Steps<T> {
  return (yield step) as T;
}

/** Runs `steps` with synchronous primitives; a primitive's error is thrown into the engine. */
export function runSync<T>(steps: Steps<T>, primitives: CryptoPrimitives): T {
  let next = steps.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = next.value(primitives);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    if (value instanceof Promise) throw new TypeError('an asynchronous primitive in a synchronous run');
    next = steps.next(value);
  }
  return next.value;
}

/** Runs `steps` with primitives that may answer asynchronously (WebCrypto). */
export async function runAsync<T>(steps: Steps<T>, primitives: CryptoPrimitives): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = await next.value(primitives);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(value);
  }
  return next.value;
}
