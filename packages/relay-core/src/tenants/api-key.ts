/**
 * API keys: `apk_<id>_<secret>`, a public 16-hex id (how the key is found) and a 256-bit random
 * secret (base64url). Only SHA-256 of the secret is stored; the key itself is shown once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_SCOPES = ['submit', 'subscribe', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const API_KEY = /^apk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A key as given by a caller, split; null when it is no key at all. */
export function parseApiKey(text: string): { id: string; secret: string } | null {
  const match = API_KEY.exec(text);
  return match === null ? null : { id: match[1]!, secret: match[2]! };
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new key: the text to hand to its owner once, and what is stored. */
export function newApiKey(): { key: string; id: string; secretHash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `apk_${id}_${secret}`, id, secretHash: hashApiKeySecret(secret) };
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const presented = Buffer.from(hashApiKeySecret(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}
