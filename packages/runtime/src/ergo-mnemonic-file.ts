/**
 * The anchorer's Ergo key: a BIP-39 mnemonic from a file named by ANCHORPOST_ERGO_MNEMONIC_FILE
 * (never from an environment value, never logged, never echoed in an error), with an optional
 * passphrase file and EIP-3 address index. Derived along m/44'/429'/0'/0/index (ADR 0012).
 */
import { readFileSync, statSync } from 'node:fs';
import { ErgoWallet } from '@anchorpost/chains';
import type { ErgoNetwork } from '@anchorpost/chains';
import { ConfigError, loadConfig, type ConfigSchema } from '@anchorpost/config';

export const ergoKeyConfigSchema = {
  /** A file holding the wallet's BIP-39 mnemonic (0600 recommended). */
  mnemonicFile: { kind: 'string', env: 'ANCHORPOST_ERGO_MNEMONIC_FILE' },
  /** A file holding the mnemonic's passphrase; unset: none. */
  passwordFile: { kind: 'string', env: 'ANCHORPOST_ERGO_MNEMONIC_PASSWORD_FILE', optional: true },
  /** The EIP-3 address index. */
  addressIndex: { kind: 'int', env: 'ANCHORPOST_ERGO_ADDRESS_INDEX', default: 0, min: 0, max: 999_999_999 },
} as const satisfies ConfigSchema;

export const ERGO_MNEMONIC_FILE_ENV = ergoKeyConfigSchema.mnemonicFile.env;

export interface ErgoKey {
  readonly wallet: ErgoWallet;
  readonly path: string;
  /** Group or others may read the file (0600 is recommended). */
  readonly readableByOthers: boolean;
}

function readSecretFile(key: string, path: string): { text: string; path: string; mode: number } {
  try {
    const mode = statSync(path).mode;
    return { text: readFileSync(path, 'utf8').trim(), path, mode };
  } catch (cause) {
    throw new ConfigError(key, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function readErgoMnemonicFile(env: NodeJS.ProcessEnv, network: ErgoNetwork): ErgoKey {
  const config = loadConfig(ergoKeyConfigSchema, env);
  const password =
    config.passwordFile === undefined
      ? ''
      : readSecretFile(ergoKeyConfigSchema.passwordFile.env, config.passwordFile).text;
  return ergoKeyFromFile({
    setting: ERGO_MNEMONIC_FILE_ENV,
    path: config.mnemonicFile,
    network,
    password,
    index: config.addressIndex,
  });
}

/** An Ergo key from the mnemonic file at `path`, which the setting `setting` names (for its errors). */
export function ergoKeyFromFile(options: {
  readonly setting: string;
  readonly path: string;
  readonly network: ErgoNetwork;
  readonly password?: string;
  readonly index?: number;
}): ErgoKey {
  const { text, path, mode } = readSecretFile(options.setting, options.path);
  let wallet: ErgoWallet;
  try {
    wallet = ErgoWallet.fromMnemonic({
      mnemonic: text,
      password: options.password ?? '',
      network: options.network,
      index: options.index ?? 0,
    });
  } catch {
    // The error may quote words of the phrase: say only where the problem is.
    throw new ConfigError(options.setting, `${path} does not hold a valid BIP-39 mnemonic`);
  }
  return { wallet, path, readableByOthers: (mode & 0o077) !== 0 };
}
