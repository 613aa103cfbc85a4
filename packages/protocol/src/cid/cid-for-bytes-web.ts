/** `cidForBytes` with WebCrypto's SHA-256, for browsers (a file dropped on the auditor's page). */
import { webSha256 } from '../web-sha256.ts';
import { UNIXFS_CHUNK_SIZE } from './importer-options.ts';
import { cidForBytesViaImporter, rawLeafCid } from './unixfs-cid.ts';

/** The CIDv1 Kubo prints for `ipfs add --cid-version=1 --raw-leaves --only-hash` of these bytes. */
export async function cidForBytesWeb(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength <= UNIXFS_CHUNK_SIZE) return rawLeafCid(await webSha256(bytes));
  return cidForBytesViaImporter(bytes);
}
