// `POST /v1/key-files` and `GET /v1/key-files/{cid}` over a real relay service (FileLogBus, Helia,
// PGlite): a tenant stores a public key file and anyone reads it back by CID; storing needs an API
// key with scope `submit` (401 before the body is read); what is no key file is refused (400
// BAD_KEY_FILE, 413, 415); an accepted tx-file's CID is not served as a key file (404), so the
// route is no way round `GET /v1/tx-files` nor a general upload. The attack on the storage: a
// tenant posting key files as fast as it can is held to its plan's files per second (429
// RATE_LIMITED, Retry-After) and bytes per day (DAILY_BYTES_EXHAUSTED), nothing stored past them;
// an unauthenticated caller (401 UNAUTHENTICATED) and an oversized body (413 TOO_LARGE) store nothing.
// gRPC's StoreKeyFile is the same KeyFiles: stored, then the same refusals as statuses with codes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import { MAX_KEY_FILE_BYTES, type QuotaOverrides } from '@anchorpost/relay-core';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { GrpcTestClient } from './grpc-fixture.ts';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';

/** A fresh public key file's exact bytes. */
async function keyFile(): Promise<Uint8Array> {
  const identity = await generateIdentity('modern');
  return new TextEncoder().encode(`${JSON.stringify(toPublicKeyFile(identity.public), null, 2)}\n`);
}

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

  /** A tenant of its own on the free plan with `overrides`, and its API key's headers. */
  async function tenant(id: string, overrides: QuotaOverrides): Promise<Record<string, string>> {
    await f.administration.addTenant(id);
    await f.administration.setPlan(id, 'free', overrides);
    const { key } = await f.administration.issueApiKey(id, ['submit']);
    return { authorization: `Bearer ${key}` };
  }

  /** Whether the relay serves `bytes` as a key file. */
  async function held(bytes: Uint8Array): Promise<boolean> {
    const response = await fetch(`${http}/v1/key-files/${await cidForBytes(bytes)}`);
    await response.body?.cancel();
    return response.status === 200;
  }

  it('holds a tenant flooding key files to its plan: files per second, then bytes per day', async () => {
    const flooder = await tenant('flooder', { filesPerSecond: 2 });
    const burst = await Promise.all(Array.from({ length: 40 }, () => keyFile()));
    const started = performance.now();
    const answers = await Promise.all(burst.map((bytes) => store(bytes, flooder)));
    const seconds = (performance.now() - started) / 1000;
    const accepted = answers.filter((response) => response.status === 201).length;
    const refused = answers.filter((response) => response.status === 429);
    // The bucket (2) and its refill over the burst, plus one leased slice (ADR 0027's bound).
    const bound = 2 + Math.ceil(2 * seconds) + 2;
    assert.ok(accepted >= 1 && accepted <= bound, `40 in ${seconds} s at 2 files/s: ${accepted} stored`);
    assert.equal(accepted + refused.length, 40);
    assert.ok(Number(refused[0]!.headers.get('retry-after')) >= 1);
    assert.deepEqual(new Set(await Promise.all(refused.map(code))), new Set(['RATE_LIMITED']));
    const stored = await Promise.all(burst.map(held));
    assert.equal(stored.filter(Boolean).length, accepted, 'nothing refused was stored');

    const one = await keyFile();
    const hoarder = await tenant('hoarder', { bytesPerDay: one.byteLength * 2 });
    assert.equal((await store(one, hoarder)).status, 201);
    assert.equal((await store(await keyFile(), hoarder)).status, 201);
    const third = await keyFile();
    const exhausted = await store(third, hoarder);
    assert.equal(exhausted.status, 429);
    assert.equal(await code(exhausted), 'DAILY_BYTES_EXHAUSTED');
    assert.equal(await held(third), false);
  });

  it('stores nothing for an unauthenticated caller (401) nor past the size bound (413), each with its code', async () => {
    const bytes = await keyFile();
    const anonymous = await store(bytes, {});
    assert.equal(anonymous.status, 401);
    assert.equal(await code(anonymous), 'UNAUTHENTICATED');
    const padded = new Uint8Array(MAX_KEY_FILE_BYTES + 1).fill(0x20);
    padded.set(bytes);
    const large = await store(padded);
    assert.equal(large.status, 413);
    assert.equal(await code(large), 'TOO_LARGE');
    assert.equal(await held(bytes), false);
    assert.equal(await held(padded), false);
  });

  it('StoreKeyFile over gRPC: stores for the API key’s tenant; the same refusals as statuses with their codes', async () => {
    const client = new GrpcTestClient(f.service.urls.grpc!);
    const withKey = (authorization: string) => {
      const metadata = new Metadata();
      metadata.set('authorization', authorization);
      return metadata;
    };
    const refusal = async (call: Promise<unknown>) => {
      const error = (await call.then(
        () => assert.fail('expected a refusal'),
        (caught: unknown) => caught,
      )) as ServiceError;
      return { code: error.code, error: error.metadata.getMap()['anchorpost-error-code'] };
    };
    try {
      const bytes = await keyFile();
      const stored = await client.unary('StoreKeyFile', { keyFile: bytes }, withKey(f.auth.authorization!));
      assert.deepEqual(stored, {
        cid: await cidForBytes(bytes),
        fingerprint: (JSON.parse(new TextDecoder().decode(bytes)) as { id: string }).id,
      });
      assert.equal(await held(bytes), true);

      const anonymous = await keyFile();
      assert.deepEqual(await refusal(client.unary('StoreKeyFile', { keyFile: anonymous })), {
        code: status.UNAUTHENTICATED,
        error: 'UNAUTHENTICATED',
      });
      const padded = new Uint8Array(MAX_KEY_FILE_BYTES + 1).fill(0x20);
      padded.set(anonymous);
      assert.deepEqual(
        await refusal(client.unary('StoreKeyFile', { keyFile: padded }, withKey(f.auth.authorization!))),
        { code: status.RESOURCE_EXHAUSTED, error: 'TOO_LARGE' },
      );
      const junk = new TextEncoder().encode('{"not":"a key"}');
      assert.deepEqual(
        await refusal(client.unary('StoreKeyFile', { keyFile: junk }, withKey(f.auth.authorization!))),
        { code: status.INVALID_ARGUMENT, error: 'BAD_KEY_FILE' },
      );
      const limited = withKey((await tenant('grpc-flooder', { filesPerSecond: 1 })).authorization!);
      const answers = await Promise.allSettled(
        (await Promise.all(Array.from({ length: 20 }, () => keyFile()))).map((file) =>
          client.unary('StoreKeyFile', { keyFile: file }, limited),
        ),
      );
      const refused = answers.filter((answer) => answer.status === 'rejected');
      assert.ok(refused.length > 0, 'some key files were over the rate');
      for (const answer of refused) {
        const error = answer.reason as ServiceError;
        assert.equal(error.code, status.RESOURCE_EXHAUSTED);
        assert.equal(error.metadata.getMap()['anchorpost-error-code'], 'RATE_LIMITED');
      }
      assert.equal(await held(anonymous), false);
    } finally {
      client.close();
    }
  });
});
