/**
 * Keys and files the embedded platform creates on first start: the relay's receipt-signing key
 * and the operator's admin key (0600, never overwritten, never logged), and an empty tenants file
 * (imported into the database on a first start; tenants are managed with `anchorpost tenant` after).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateRelayKey } from '@anchorpost/relay-core';

export async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Creates `path` with `content` unless it exists; true when created. */
export async function createOnce(path: string, content: string, mode: number): Promise<boolean> {
  if (await exists(path)) return false;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite, even if another process created it meanwhile.
    await writeFile(path, content, { mode, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export function ensureRelayKey(path: string): Promise<boolean> {
  return createOnce(path, generateRelayKey().pkcs8Pem, 0o600);
}

export function ensureTenantsFile(path: string): Promise<boolean> {
  return createOnce(path, `${JSON.stringify({ tenants: [] }, null, 2)}\n`, 0o644);
}

/** The sponsor's shared account key (hex): on the local chain, one of anvil's development keys. */
export function ensureSponsorKey(path: string, privateKey: string): Promise<boolean> {
  return createOnce(path, `${privateKey}\n`, 0o600);
}

/** An empty sponsorship policy file: the sponsor serves no tenant until one is added there. */
export function ensureSponsorPolicyFile(path: string): Promise<boolean> {
  return createOnce(path, `${JSON.stringify({ governors: [], tenants: {} }, null, 2)}\n`, 0o644);
}

/** A 256-bit random admin key for the relay's admin API. */
export function ensureAdminKey(path: string): Promise<boolean> {
  return createOnce(path, `adm_${randomBytes(32).toString('base64url')}\n`, 0o600);
}
