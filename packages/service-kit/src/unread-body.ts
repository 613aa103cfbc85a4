/**
 * A request answered before its body was read — a 401 before a stranger's upload, a 413 from its
 * Content-Length — is answered with `Connection: close`, so that Node closes the connection once the
 * answer is out (dropping what is left of the body) instead of keeping it open for a body nobody
 * will read. Without it a client that sent part of a body and stopped held the connection until
 * Node's request timeout (minutes): a stranger could hold connections that way for nothing, and a
 * service stopping waited for them (72 s in the relay's authentication test).
 */
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';

function bodyUnread(raw: IncomingMessage): boolean {
  const declared =
    raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
  return declared && !raw.complete;
}

export function closeOnUnreadBody(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (bodyUnread(request.raw)) void reply.header('connection', 'close');
    done(null, payload);
  });
}
