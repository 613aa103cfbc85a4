// `POST /v1/key-files` and `GET /v1/key-files/{cid}` over a real relay service (FileLogBus, Helia,
// PGlite): a tenant stores a public key file and anyone reads it back by CID; storing needs an API
// key with scope `submit` (401 before the body is read); what is no key file is refused (400
// BAD_KEY_FILE, 413, 415); an accepted tx-file's CID is not served as a key file (404), so the
// route is no way round `GET /v1/tx-files` nor a general upload.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';

interface ErrorBody {
  error: { code: string };
}

describe('relay HTTP API: key files', { timeout: 120_000 }, () => {
  let f: RelayServiceFixture;
  let http: string;

  const store = (body: Uint8Array | string, headers: Record<string, string> = f.auth) =>
    fetch(`${http}/v1/key-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...headers },
      body,
    });
  const code = async (response: Response) => ((await response.json()) as ErrorBody).error.code;

  before(async () => {
    f = await openRelayServiceFixture();
    http = f.service.urls.http!;
  });
  after(() => f.close());

  it('stores a key file for a tenant (201, its CID); anyone reads the exact bytes back', async () => {
    const identity = await generateIdentity('modern');
    const bytes = new TextEncoder().encode(`${JSON.stringify(toPublicKeyFile(identity.public), null, 2)}\n`);
    const stored = await store(bytes);
    assert.equal(stored.status, 201);
    const cid = await cidForBytes(bytes);
    assert.deepEqual(await stored.json(), { cid, fingerprint: fingerprint(identity.public) });
    const read = await fetch(`${http}/v1/key-files/${cid}`);
    assert.equal(read.status, 200);
    assert.match(read.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(new Uint8Array(await read.arrayBuffer()), bytes);
  });

  it('refuses a caller without a valid API key, before reading the body', async () => {
    const identity = await generateIdentity('modern');
    const bytes = new TextEncoder().encode(JSON.stringify(toPublicKeyFile(identity.public)));
    const anonymous = await store(bytes, {});
    assert.equal(anonymous.status, 401);
    const wrong = await store(bytes, { authorization: `Bearer ${'x'.repeat(40)}` });
    assert.equal(wrong.status, 401);
    const missing = await fetch(`${http}/v1/key-files/${await cidForBytes(bytes)}`);
    assert.equal(missing.status, 404, 'nothing was stored');
    assert.equal(await code(missing), 'KEY_FILE_NOT_FOUND');
  });

  it('refuses what is no key file: 400 BAD_KEY_FILE, 413 past the limit, 415 as JSON', async () => {
    const junk = await store('{"hello":"world"}');
    assert.equal(junk.status, 400);
    assert.equal(await code(junk), 'BAD_KEY_FILE');
    const large = await store(new Uint8Array(64 * 1024));
    assert.equal(large.status, 413);
    const json = await store('{}', { ...f.auth, 'content-type': 'application/json' });
    assert.equal(json.status, 415);
  });

  it('does not serve an accepted tx-file, nor a malformed CID, as a key file', async () => {
    const bytes = await f.txFile('not a key');
    const submitted = await fetch(`${http}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...f.auth },
      body: bytes,
    });
    assert.equal(submitted.status, 201);
    const asKey = await fetch(`${http}/v1/key-files/${await cidForBytes(bytes)}`);
    assert.equal(asKey.status, 404);
    assert.equal(await code(asKey), 'KEY_FILE_NOT_FOUND');
    const bad = await fetch(`${http}/v1/key-files/not-a-cid`);
    assert.equal(bad.status, 400);
    assert.equal(await code(bad), 'BAD_REQUEST', 'refused by the route’s CID schema');
  });
});
