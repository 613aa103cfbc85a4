/**
 * Storing a public key file on the platform's storage through the relay (`POST /v1/key-files`,
 * a tenant's API key with scope `submit`): the exact bytes, whose CID is what the registry names.
 * Idempotent: the same bytes again are the same CID (stored and pinned once; each call spends one
 * file of the tenant's relay quota). No Node built-in: publishing runs it in browsers too.
 */
import { baseUrl, isRecord, refusalOf, send } from './api-refusal.ts';
import { fileCid } from './file-cid.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

const TIMEOUT_MS = 30_000;

export interface KeyFileStore {
  /** The relay's base URL. */
  readonly url: string;
  /** A tenant's API key with scope `submit` (needed to store; reading needs none). */
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
}

/** Stores the exact bytes of a public key file; answers their CID, checked against the bytes. */
export async function storeKeyFile(store: KeyFileStore, bytes: Uint8Array): Promise<string> {
  const what = 'POST /v1/key-files';
  const cid = await fileCid(bytes);
  const response = await send(store.fetch ?? fetch, what, `${baseUrl(store.url, 'relay')}/v1/key-files`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${store.apiKey ?? ''}` },
    body: bytes,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (response.status !== 201) throw await refusalOf(what, response);
  const body: unknown = await response.json().catch(() => null);
  if (!isRecord(body) || body.cid !== cid)
    throw new SdkError(SdkErrorCode.CidMismatch, `${what} answered another CID than the key file's ${cid}`);
  return cid;
}
