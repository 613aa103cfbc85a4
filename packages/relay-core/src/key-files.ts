/**
 * Key files on the platform's content storage, so that the CID an identity registers in
 * AnchorpostKeyRegistry names bytes anyone can fetch. A tenant stores one public key file at a
 * time, exact bytes (its CID is over them), pinned; nothing but a parseable public key file is
 * taken (BAD_KEY_FILE), so this is no general-purpose upload. Reading serves only what this store
 * holds locally and parses as a public key file (KEY_FILE_NOT_FOUND otherwise): storage also holds
 * tx-files and batch-files, and a CID the store lacks is not looked for on the network. The
 * reader checks the CID and the fingerprint again itself; the relay is not trusted for them.
 * Storing spends the tenant's plan quotas as a tx-file does (one file of its files per second, its
 * bytes of the day's bytes; RATE_LIMITED, DAILY_BYTES_EXHAUSTED), before the bytes are parsed or
 * stored, so a tenant cannot fill the storage through key files faster than through tx-files.
 */
import { cidForBytes, fingerprint, parseCid, parsePublicKeyFileBytes } from '@anchorpost/protocol';
import { isStorageError, StorageErrorCode, type ContentStore } from '@anchorpost/storage-port';
import type { TenantQuotas } from './quotas/tenant-quotas.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';

/** A public key file is a few kilobytes (rsa-4096 included); anything larger is no key file. */
export const MAX_KEY_FILE_BYTES = 16 * 1024;

export interface StoredKeyFile {
  readonly cid: string;
  /** The key's fingerprint (the file's `id`, 64 hex). */
  readonly fingerprint: string;
}

function checkSize(bytes: Uint8Array): void {
  if (bytes.byteLength > MAX_KEY_FILE_BYTES)
    throw new RelayError(RelayErrorCode.TooLarge, `a key file is at most ${MAX_KEY_FILE_BYTES} bytes`);
}

function keyFileOf(bytes: Uint8Array): string {
  checkSize(bytes);
  try {
    return fingerprint(parsePublicKeyFileBytes(bytes, 'keyFile'));
  } catch (error) {
    throw new RelayError(RelayErrorCode.BadKeyFile, `not a public key file: ${(error as Error).message}`);
  }
}

const NOT_A_KEY_FILE = [StorageErrorCode.NotAFile, StorageErrorCode.TooLarge, StorageErrorCode.NotFound];

export class KeyFiles {
  readonly #storage: ContentStore;
  readonly #quotas: Pick<TenantQuotas, 'admit'> | undefined;

  /** Without `quotas`, no quota is spent (a relay without quotas, as for tx-files). */
  constructor(storage: ContentStore, quotas?: Pick<TenantQuotas, 'admit'>) {
    this.#storage = storage;
    this.#quotas = quotas;
  }

  /**
   * Stores (pinned) one public key file's exact bytes for `tenantId`, after spending its quotas;
   * the same bytes again are the same CID (and spend again).
   */
  async store(bytes: Uint8Array, tenantId: string): Promise<StoredKeyFile> {
    checkSize(bytes);
    await this.#quotas?.admit(tenantId, bytes.byteLength);
    const id = keyFileOf(bytes);
    const cid = await this.#storage.addFile(bytes, { pin: true });
    if (cid !== (await cidForBytes(bytes)))
      throw new RelayError(RelayErrorCode.CidMismatch, `storage answered ${cid} for a key file`);
    return { cid, fingerprint: id };
  }

  /** The bytes of a key file stored here; KEY_FILE_NOT_FOUND for anything else. */
  async get(cid: string): Promise<Uint8Array> {
    parseCid(cid, 'cid');
    const missing = new RelayError(RelayErrorCode.KeyFileNotFound, `no key file ${cid}`);
    if (!(await this.#storage.has(cid))) throw missing;
    let bytes: Uint8Array;
    try {
      bytes = await this.#storage.getFile(cid, { maxBytes: MAX_KEY_FILE_BYTES });
    } catch (error) {
      // A block that is no file, a file too long, gone since `has`: no key file either. An
      // outage (TIMEOUT, UNAVAILABLE…) stays what it is.
      if (NOT_A_KEY_FILE.some((code) => isStorageError(error, code))) throw missing;
      throw error;
    }
    try {
      keyFileOf(bytes);
    } catch {
      throw missing;
    }
    return bytes;
  }
}
