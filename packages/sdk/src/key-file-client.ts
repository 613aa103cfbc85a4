/**
 * Key files on the platform's storage, through the relay (`POST /v1/key-files` with a tenant's
 * API key, `GET /v1/key-files/{cid}` for anyone): publishing stores the public key file before
 * its CID is registered, and a lookup fetches it by that CID and checks it — the bytes must be the
 * CID's (CID_MISMATCH) and the key in them the registered fingerprint's (KEY_FILE_MISMATCH), so
 * neither the relay nor the registrant can hand out another key than the one registered. Node
 * only; storing (key-file-store.ts) runs in browsers too.
 */
import { cidForBytes, fingerprint, parseCid, parsePublicKeyFileBytes } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import { baseUrl, refusalOf, send } from './api-refusal.ts';
import type { KeyFileStore } from './key-file-store.ts';
import type { PublishedKey } from './key-transparency.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export { storeKeyFile, type KeyFileStore } from './key-file-store.ts';

/** The largest key file read back (the relay stores none larger). */
const MAX_KEY_FILE_BYTES = 16 * 1024;
const TIMEOUT_MS = 30_000;

/** A registered key's file, fetched by its CID and checked. */
export interface FetchedKeyFile {
  readonly bytes: Uint8Array;
  readonly key: PublicIdentity;
}

/** The key file `key.keyCid` names, checked against the CID and `key.fingerprint`. */
export async function fetchKeyFile(store: KeyFileStore, key: PublishedKey): Promise<FetchedKeyFile> {
  const cid = parseCid(key.keyCid, 'keyCid').toString();
  const what = `GET /v1/key-files/${cid}`;
  const response = await send(
    store.fetch ?? fetch,
    what,
    `${baseUrl(store.url, 'relay')}/v1/key-files/${cid}`,
    {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    },
  );
  if (response.status !== 200) throw await refusalOf(what, response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_KEY_FILE_BYTES || (await cidForBytes(bytes)) !== key.keyCid)
    throw new SdkError(SdkErrorCode.CidMismatch, `the relay answered other bytes than ${key.keyCid}`, {
      field: 'keyCid',
    });
  let identity: PublicIdentity;
  try {
    identity = parsePublicKeyFileBytes(bytes, 'keyFile');
  } catch (cause) {
    throw new SdkError(SdkErrorCode.KeyFileMismatch, `${key.keyCid} is no public key file`, { cause });
  }
  if (fingerprint(identity) !== key.fingerprint)
    throw new SdkError(
      SdkErrorCode.KeyFileMismatch,
      `${key.keyCid} holds the key ${fingerprint(identity)}, not the registered ${key.fingerprint}`,
      { field: 'keyCid' },
    );
  return { bytes, key: identity };
}
