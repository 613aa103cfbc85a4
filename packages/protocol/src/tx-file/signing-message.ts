/**
 * What a v0.2 tx-file's signatures are over (signature.ts has the why), computed with WebCrypto's
 * SHA-512: no Node built-in, so a browser checks a dropped file's signatures exactly as a relay does.
 */
import { concatBytes, utf8 } from '../bytes.ts';
import type { TxFile } from './schema.ts';
import { canonicalDigestBytes } from './serialize.ts';

export const TX_FILE_SIGNATURE_DOMAIN = 'anchorpost/v2/tx-file';

/** The v0.2 message the client and each sender sign: the domain, then SHA-512 of the digest bytes. */
export async function txFileSigningMessageWeb(tx: TxFile): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', canonicalDigestBytes(tx)));
  return concatBytes(utf8(TX_FILE_SIGNATURE_DOMAIN), digest);
}
