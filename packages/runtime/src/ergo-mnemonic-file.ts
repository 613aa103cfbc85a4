/**
 * The anchorer's Ergo key: a BIP-39 mnemonic from a file named by ANCHORPOST_ERGO_MNEMONIC_FILE
 * (never from an environment value, never logged, never echoed in an error), with an optional
 * passphrase file and EIP-3 address index. Derived along m/44'/429'/0'/0/index (ADR 0012).
 */
import { readFileSync, statSync } from 'node:fs';
import { ErgoWallet } from '@anchorpost/chains';
import type { ErgoNetwork } from '@anchorpost/chains';
import { ConfigError } from '@anchorpost/service-kit';

export const ERGO_MNEMONIC_FILE_ENV = 'ANCHORPOST_ERGO_MNEMONIC_FILE';
const PASSWORD_FILE_ENV = 'ANCHORPOST_ERGO_MNEMONIC_PASSWORD_FILE';
const INDEX_ENV = 'ANCHORPOST_ERGO_ADDRESS_INDEX';

export interface ErgoKey {
  readonly wallet: ErgoWallet;
  readonly path: string;
  /** Group or others may read the file (0600 is recommended). */
  readonly readableByOthers: boolean;
}

function readSecretFile(env: NodeJS.ProcessEnv, key: string): { text: string; path: string; mode: number } {
  const path = env[key]?.trim() ?? '';
  try {
    const mode = statSync(path).mode;
    return { text: readFileSync(path, 'utf8').trim(), path, mode };
  } catch (cause) {
    throw new ConfigError(key, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function readErgoMnemonicFile(env: NodeJS.ProcessEnv, network: ErgoNetwork): ErgoKey {
  if ((env[ERGO_MNEMONIC_FILE_ENV]?.trim() ?? '') === '') {
    throw new ConfigError(ERGO_MNEMONIC_FILE_ENV, 'is required: a file holding the wallet mnemonic');
  }
  const { text, path, mode } = readSecretFile(env, ERGO_MNEMONIC_FILE_ENV);
  const password =
    (env[PASSWORD_FILE_ENV]?.trim() ?? '') === '' ? '' : readSecretFile(env, PASSWORD_FILE_ENV).text;
  const indexText = env[INDEX_ENV]?.trim() ?? '';
  if (indexText !== '' && !/^\d{1,9}$/.test(indexText)) {
    throw new ConfigError(INDEX_ENV, `expected an integer, got '${indexText}'`);
  }
  let wallet: ErgoWallet;
  try {
    wallet = ErgoWallet.fromMnemonic({
      mnemonic: text,
      password,
      network,
      index: indexText === '' ? 0 : Number(indexText),
    });
  } catch {
    // The error may quote words of the phrase: say only where the problem is.
    throw new ConfigError(ERGO_MNEMONIC_FILE_ENV, `${path} does not hold a valid BIP-39 mnemonic`);
  }
  return { wallet, path, readableByOthers: (mode & 0o077) !== 0 };
}
