/**
 * While a service closes (SIGTERM: a rolling update, a deleted pod), a request that still reaches
 * it — on a keep-alive connection that was busy when the listener stopped — gets 503 UNAVAILABLE,
 * retryable, in the error shape of every other refusal (docs/api.md), with `Connection: close`.
 * Fastify's own answer there (`return503OnClosing`, turned off in service-app.ts) has another shape,
 * with no code and no `retryable`: a client that follows the contract took it for a final refusal
 * and gave up on a file it could simply have sent again (found by deleting the relay's pod on the
 * test node, charts/test/chart-on-node.ts).
 */
import type { FastifyInstance } from 'fastify';

export function refuseWhileClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply
      .code(503)
      .header('connection', 'close')
      .send({
        error: {
          code: 'UNAVAILABLE',
          message: 'the service is shutting down; send the request again',
          retryable: true,
          requestId: request.id,
        },
      });
  });
}
