/**
 * The admin API's callers: `Authorization: Bearer <admin key>`, the operator's key from
 * ANCHORPOST_RELAY_ADMIN_KEY_FILE, compared in constant time (both sides hashed to equal length).
 * A refusal is the public API's one UNAUTHENTICATED answer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { unauthenticated } from '@anchorpost/relay-core';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function requireAdmin(adminKey: string): onRequestAsyncHookHandler {
  const expected = digest(`Bearer ${adminKey}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = request.headers.authorization ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      void reply.header('www-authenticate', 'Bearer');
      throw unauthenticated();
    }
    await Promise.resolve();
  };
}
