/** A block's CIDv1 (dag-cbor, sha2-256) from its digest: one construction for both SHA-256s. */
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { CidCodec } from '../cid/parse-cid.ts';
import { webSha256 } from '../web-sha256.ts';

const SHA2_256 = 0x12;

export function dagCborCidOfDigest(sha256: Uint8Array): CID {
  return CID.createV1(CidCodec.DagCbor, Digest.create(SHA2_256, sha256));
}

/** `dagCborCid` with WebCrypto's SHA-256, for code that runs in browsers too. */
export async function dagCborCidWeb(bytes: Uint8Array): Promise<CID> {
  return dagCborCidOfDigest(await webSha256(bytes));
}
