/**
 * A sponsor account's key, from a file (never from an environment value: it would leak through
 * `env` dumps), never logged, never echoed in an error: the private key in hex, 0x optional.
 */
import { readFileSync } from 'node:fs';
import { Wallet } from 'ethers';

const HEX_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/** `setting` names where the path came from, for the error an operator reads. */
export function readSponsorKeyFile(path: string, setting: string): Wallet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (cause) {
    throw new Error(`${setting}: cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause,
    });
  }
  if (!HEX_KEY.test(text)) throw new Error(`${setting}: ${path} does not hold a 32-byte hex private key`);
  try {
    return new Wallet(text.startsWith('0x') ? text : `0x${text}`);
  } catch {
    // The cause would carry the key itself: never attached.
    throw new Error(`${setting}: ${path} does not hold a valid secp256k1 private key`);
  }
}
