/**
 * Identities and groups on disk, in the files `anchorpost keys new` and `anchorpost group new`
 * write: `private-key.json` (owner-only, never overwritten) and `public-key.json` in a folder, and
 * the group bundle as JSON. Node only: the browser entry has no file system.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  parsePrivateKeyFile,
  parsePublicKeyFile,
  toPrivateKeyFile,
  toPublicKeyFile,
  type GroupBundle,
  type PrivateIdentity,
  type PublicIdentity,
} from '@anchorpost/protocol';
import { jsonFileText } from './json-file-text.ts';
import { joinGroup, type GroupMembership } from './keys-and-groups.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export const PRIVATE_KEY_FILE = 'private-key.json';
export const PUBLIC_KEY_FILE = 'public-key.json';

/** Reads a JSON file; INVALID_INPUT (field `path`) when it is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new SdkError(SdkErrorCode.InvalidInput, `${path} is not JSON: ${(cause as Error).message}`, {
      cause,
      field: path,
    });
  }
}

async function writeJsonFile(path: string, value: unknown, secret = false): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Private keys: created owner-only, and `wx` never replaces a key that exists.
  await writeFile(path, jsonFileText(value), secret ? { mode: 0o600, flag: 'wx' } : {});
  if (secret) await chmod(path, 0o600);
}

/** Writes `private-key.json` and `public-key.json` into `dir`; fails (EEXIST) rather than overwrite. */
export async function saveIdentity(dir: string, identity: PrivateIdentity): Promise<void> {
  await writeJsonFile(join(dir, PRIVATE_KEY_FILE), toPrivateKeyFile(identity), true);
  await writeJsonFile(join(dir, PUBLIC_KEY_FILE), toPublicKeyFile(identity.public));
}

/** A private key file (or a folder holding `private-key.json`). */
export async function loadIdentity(path: string): Promise<PrivateIdentity> {
  const file = path.endsWith('.json') ? path : join(path, PRIVATE_KEY_FILE);
  return parsePrivateKeyFile(await readJsonFile(file), file);
}

/** A public key file (or a folder holding `public-key.json`). */
export async function loadPublicKey(path: string): Promise<PublicIdentity> {
  const file = path.endsWith('.json') ? path : join(path, PUBLIC_KEY_FILE);
  return parsePublicKeyFile(await readJsonFile(file), file);
}

export async function savePublicKey(path: string, key: PublicIdentity): Promise<void> {
  await writeJsonFile(path, toPublicKeyFile(key));
}

export async function saveGroup(path: string, bundle: GroupBundle): Promise<void> {
  await writeJsonFile(path, bundle);
}

/** The group bundle at `path`, opened as `identity`. */
export async function loadGroup(path: string, identity: PrivateIdentity): Promise<GroupMembership> {
  return joinGroup(await readJsonFile(path), identity);
}
