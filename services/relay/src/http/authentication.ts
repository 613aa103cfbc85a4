/**
 * `Authorization: Bearer <API key>` on the public routes: an `onRequest` hook, so a stranger is
 * answered 401 before its body is read. The key names the tenant; an `anchorpost-tenant` header
 * is still taken from older clients, but only when it names the key's own tenant.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeyScope, Caller, TenantAccess } from '@anchorpost/relay-core';

export type CallerCheck = Pick<TenantAccess, 'authenticate'>;

const callers = new WeakMap<FastifyRequest, Caller>();

/** The hook that authenticates a route's callers for `scope`. */
export function requireCaller(access: CallerCheck, scope: ApiKeyScope): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const claimed = request.headers['anchorpost-tenant'];
    try {
      callers.set(
        request,
        await access.authenticate(
          request.headers.authorization,
          scope,
          typeof claimed === 'string' ? claimed : undefined,
        ),
      );
    } catch (error) {
      void reply.header('www-authenticate', 'Bearer');
      throw error;
    }
  };
}

/** The authenticated caller of a request that passed `requireCaller`. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw new Error('the route has no requireCaller hook');
  return caller;
}
