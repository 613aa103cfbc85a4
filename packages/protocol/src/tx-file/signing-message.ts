/**
 * What a v0.2 tx-file's signatures are over (signature.ts has the why), computed with WebCrypto's
 * SHA-512: no Node built-in, so a browser checks a dropped file's signatures exactly as a relay does
 * (the engine's steps, ../engine/signature.ts, run with WebCrypto).
 */
import { signingMessageSteps } from '../engine/signature.ts';
import { runAsync } from '../engine/primitives.ts';
import { webPrimitives } from '../engine/web-primitives.ts';
import type { TxFile } from './schema.ts';

export { TX_FILE_SIGNATURE_DOMAIN } from '../engine/signature.ts';

/** The v0.2 message the client and each sender sign: the domain, then SHA-512 of the digest bytes. */
export async function txFileSigningMessageWeb(tx: TxFile): Promise<Uint8Array> {
  return runAsync(signingMessageSteps(tx), webPrimitives);
}
