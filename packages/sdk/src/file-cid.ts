/**
 * A file's CID, computed where the file is (a browser, for a file dropped on the auditor's page):
 * the CIDv1 Kubo gives with `ipfs add --cid-version=1 --raw-leaves`, so a file can be matched with
 * its proof's `txFile` without uploading it anywhere. An entry of its own
 * (`@anchorpost/sdk/file-cid`): the UnixFS importer for files over one chunk would double the
 * browser verify entry.
 */
import { cidForBytesWeb } from '@anchorpost/protocol/portable';

export async function fileCid(bytes: Uint8Array): Promise<string> {
  return cidForBytesWeb(bytes);
}
