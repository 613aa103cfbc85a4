/**
 * The auditor's page at `/`: the built files, with a CSP that lets only this origin's script and
 * style run (the chain nodes the user picks stay reachable), and outside the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { auditorPageRoutes } from '../src/auditor-page.ts';

describe('the auditor page routes', () => {
  it('serve the built page, its script and style with their types and a strict CSP', async () => {
    const routes = await auditorPageRoutes();
    assert.equal(routes.length, 3, 'the page is built (npm run build)');
    const app = Fastify();
    for (const route of routes) app.route(route);
    const page = await app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /<label for="cid">Tx-file CID<\/label>/);
    assert.match(page.body, /<script type="module" src="auditor.js"><\/script>/);
    const csp = page.headers['content-security-policy'] as string;
    assert.match(csp, /default-src 'none'; script-src 'self'; style-src 'self'; connect-src \*/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const script = await app.inject({ method: 'GET', url: '/auditor.js' });
    assert.match(script.headers['content-type'] as string, /^text\/javascript/);
    // The bundle carries the verifier, not a call to the server for a verdict.
    assert.match(script.body, /crypto\.subtle\.digest/);
    const style = await app.inject({ method: 'GET', url: '/auditor.css' });
    assert.match(style.headers['content-type'] as string, /^text\/css/);
    await app.close();
  });
});
