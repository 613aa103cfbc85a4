/**
 * The anchorer's signing key, from a file named by ANCHORPOST_EVM_SIGNER_KEY_FILE: never from an
 * environment value (it would leak through `env` dumps and process listings), never logged, never
 * echoed in an error. The file holds the private key in hex (optionally 0x-prefixed).
 */
import { readFileSync, statSync } from 'node:fs';
import { Wallet } from 'ethers';
import { ConfigError, loadConfig, type ConfigSchema } from '@anchorpost/config';

export const signerKeyConfigSchema = {
  /** A file holding the hex private key (0600 recommended). */
  keyFile: { kind: 'string', env: 'ANCHORPOST_EVM_SIGNER_KEY_FILE' },
} as const satisfies ConfigSchema;

export const SIGNER_KEY_FILE_ENV = signerKeyConfigSchema.keyFile.env;

const HEX_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

export interface SignerKey {
  readonly wallet: Wallet;
  readonly path: string;
  /** Group or others may read the file (0600 is recommended). */
  readonly readableByOthers: boolean;
}

export function readSignerKeyFile(env: NodeJS.ProcessEnv): SignerKey {
  const path = loadConfig(signerKeyConfigSchema, env).keyFile;
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8').trim();
  } catch (cause) {
    throw new ConfigError(
      SIGNER_KEY_FILE_ENV,
      `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  if (!HEX_KEY.test(text)) {
    throw new ConfigError(SIGNER_KEY_FILE_ENV, `${path} does not hold a 32-byte hex private key`);
  }
  let wallet: Wallet;
  try {
    wallet = new Wallet(text.startsWith('0x') ? text : `0x${text}`);
  } catch {
    throw new ConfigError(SIGNER_KEY_FILE_ENV, `${path} does not hold a valid secp256k1 private key`);
  }
  return { wallet, path, readableByOthers: (mode & 0o077) !== 0 };
}
