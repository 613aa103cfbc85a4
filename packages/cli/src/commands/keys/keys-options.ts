/** What the key-transparency commands share: where the registry, chain and sponsor are; the key files. */
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { Wallet } from 'ethers';
import { JsonRpcPool } from '@anchorpost/chains';
import { cidForBytes, fingerprint, parsePrivateKeyFile, parsePublicKeyFile } from '@anchorpost/protocol';
import type { PrivateIdentity } from '@anchorpost/protocol';
import { CliError, UsageError } from '../../failure.ts';
import { readBounded, readJson } from '../../files.ts';
import { serviceUrl } from '../../http.ts';
import type { RegistryAt } from '@anchorpost/sdk';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function addressOf(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined) throw new UsageError(`${flag} is required; usage: ${usage}`);
  if (!ADDRESS.test(value)) throw new UsageError(`${flag} must be a 0x-prefixed address, got '${value}'`);
  return value;
}

/** `--registry` (or ANCHORPOST_KEY_REGISTRY) on `--rpc` (or ANCHORPOST_EVM_RPC_URL). */
export function registryAt(values: { registry?: string; rpc?: string }, usage: string): RegistryAt {
  const registry = addressOf(values.registry ?? process.env.ANCHORPOST_KEY_REGISTRY, '--registry', usage);
  const url = values.rpc ?? process.env.ANCHORPOST_EVM_RPC_URL;
  if (url === undefined) throw new UsageError(`--rpc or ANCHORPOST_EVM_RPC_URL is required; usage: ${usage}`);
  return { rpc: new JsonRpcPool({ urls: [url] }), registry };
}

/** `--relay` (or ANCHORPOST_RELAY_URL): where key files are stored and fetched; undefined when neither is given. */
export function relayUrl(value: string | undefined): string | undefined {
  const url = value ?? process.env.ANCHORPOST_RELAY_URL;
  if (url !== undefined) serviceUrl(url, '--relay', 'v1/key-files');
  return url;
}

/** The account key: the on-chain identity, a hex secp256k1 private key that needs no ETH. */
export async function accountKey(path: string | undefined, usage: string): Promise<Wallet> {
  if (path === undefined) throw new UsageError(`--account-key is required; usage: ${usage}`);
  const text = (await readFile(path, 'utf8')).trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(text)) {
    // Never echo the file: it is a private key.
    throw new CliError('BAD_KEY', 'account-key', `${path} does not hold a hex secp256k1 private key`);
  }
  return new Wallet(text.startsWith('0x') ? text : `0x${text}`);
}

/** `anchorpost keys account --out FILE`: a fresh account key, written owner-only, never overwritten. */
export async function newAccountKey(out: string): Promise<string> {
  const wallet = Wallet.createRandom();
  await writeFile(out, `${wallet.privateKey}\n`, { mode: 0o600, flag: 'wx' });
  return wallet.address;
}

export interface KeyDirectory {
  readonly identity: PrivateIdentity;
  /** The public key file's CID: what a reader fetches to get the key the fingerprint names. */
  readonly keyCid: string;
  /** The public key file's exact bytes (what `keyCid` names), stored before they are registered. */
  readonly publicKeyFile: Uint8Array;
}

const KEY_FILE_LIMIT = 1024 * 1024;

/** An identity folder of `anchorpost keys new`: private-key.json and the public-key.json it publishes. */
export async function keyDirectory(
  dir: string | undefined,
  flag: string,
  usage: string,
): Promise<KeyDirectory> {
  if (dir === undefined) throw new UsageError(`${flag} is required; usage: ${usage}`);
  const identity = parsePrivateKeyFile(await readJson(join(dir, 'private-key.json'), flag), flag);
  const publicPath = join(dir, 'public-key.json');
  const publicBytes = await readBounded(publicPath, KEY_FILE_LIMIT, flag);
  const published = parsePublicKeyFile(await readJson(publicPath, flag), flag);
  if (fingerprint(published) !== fingerprint(identity.public)) {
    throw new CliError(
      'BAD_KEY',
      flag,
      `${publicPath} is not the public half of ${join(dir, 'private-key.json')}`,
    );
  }
  return { identity, keyCid: await cidForBytes(publicBytes), publicKeyFile: publicBytes };
}
