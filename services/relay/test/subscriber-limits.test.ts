// The limits on subscribers, each tried: more streams than the process allows (SSE and gRPC
// together) are refused with TOO_MANY_STREAMS; a subscriber that does not read within the drain
// timeout is dropped and resumes from its cursor (SSE: its last event id; gRPC: the
// `anchorpost-cursor` trailer, or its stream is reset if it does not even take the status).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { parseTxFile } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';
import { stalledGrpcClient, stalledSseClient } from './stalled-clients.ts';

const DRAIN_TIMEOUT_MS = 1_000;

/** Complete SSE events in `text`, as `{ event, id }`. */
function events(text: string): { event: string; id: string | undefined }[] {
  return text
    .split('\n\n')
    .slice(0, -1)
    .map((block) => {
      const field = (name: string): string | undefined =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      return { event: field('event') ?? '', id: field('id') };
    })
    .filter((parsed) => parsed.event !== '');
}

/** The cids of the first `count` tx-file events of an SSE subscription. */
async function readCids(url: string, auth: Record<string, string>, count: number, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { ...auth, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const cids: string[] = [];
  while (cids.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0 && cids.length < count) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (block.startsWith('event: tx-file') && data !== undefined) {
        cids.push((JSON.parse(data.slice(6)) as { cid: string }).cid);
      }
    }
  }
  controller.abort();
  return cids;
}

describe('subscriber limits', { timeout: 180_000 }, () => {
  let f: RelayServiceFixture;
  let http: string;
  let grpc: string;

  before(async () => {
    f = await openRelayServiceFixture({
      ANCHORPOST_RELAY_MAX_STREAMS: '2',
      ANCHORPOST_RELAY_SUBSCRIBER_DRAIN_TIMEOUT: `${DRAIN_TIMEOUT_MS}ms`,
    });
    http = f.service.urls['http']!;
    grpc = f.service.urls['grpc']!;
  });
  after(async () => {
    await f.close();
  });

  async function submit(bytes: Uint8Array): Promise<string> {
    const response = await fetch(`${http}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...f.auth },
      body: bytes,
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { receipt: { cid: string } }).receipt.cid;
  }

  it('refuses streams past the process limit, SSE and gRPC together, with TOO_MANY_STREAMS', async () => {
    const bytes = await f.txFile('limit');
    const hash = parseTxFile(bytes).recipient.sha512hash;
    // Subscribed before the first send: entitled by the operator's registration.
    await f.administration.registerRecipient(f.tenant, hash);
    const path = `/v1/subscriptions/${hash}`;
    const open = new AbortController();
    const first = await fetch(`${http}${path}`, { headers: f.auth, signal: open.signal });
    assert.equal(first.status, 200);
    const second = await stalledGrpcClient(grpc, f.apiKey, hash);
    await sleep(300);

    const refused = await fetch(`${http}${path}`, { headers: f.auth });
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as { error: { code: string; retryable: boolean } };
    assert.equal(body.error.code, 'TOO_MANY_STREAMS');
    assert.equal(body.error.retryable, true);

    const refusedCall = await stalledGrpcClient(grpc, f.apiKey, hash);
    for (let i = 0; i < 100 && refusedCall.headers['grpc-status'] === undefined; i++) await sleep(20);
    assert.equal(refusedCall.headers['grpc-status'], '8', 'RESOURCE_EXHAUSTED');
    assert.equal(refusedCall.headers['anchorpost-error-code'], 'TOO_MANY_STREAMS');
    refusedCall.close();

    // A place frees when a stream ends.
    open.abort();
    second.close();
    await sleep(300);
    const again = new AbortController();
    const admitted = await fetch(`${http}${path}`, { headers: f.auth, signal: again.signal });
    assert.equal(admitted.status, 200);
    again.abort();
    await sleep(300);
  });

  it('drops an SSE subscriber that does not read; its last event id resumes it with nothing lost', async () => {
    const group: GroupKeys = f.groupOf(await f.txFile('first'));
    const hash = parseTxFile(await f.txFile('probe', group)).recipient.sha512hash;
    // Subscribed before the first send: entitled by the operator's registration.
    await f.administration.registerRecipient(f.tenant, hash);
    const url = `${http}/v1/subscriptions/${hash}`;
    // Large files, more than the kernel's socket buffers hold, so the relay's write must wait.
    const stalled = await stalledSseClient(http, `/v1/subscriptions/${hash}`, f.apiKey);
    await sleep(300);
    const cids: string[] = [];
    for (let i = 0; i < 24; i++) cids.push(await submit(await f.txFile(`${i} `.padEnd(700_000, 'x'), group)));
    await sleep(DRAIN_TIMEOUT_MS + 1_500);
    // Now read what reached the client before the relay dropped it: the stream ends (no more
    // events would come from a live stream), cut at some event.
    const received = await stalled.readAll();
    const seen = events(received).filter((event) => event.event === 'tx-file');
    assert.ok(
      seen.length < cids.length,
      `the stalled client got ${seen.length} of ${cids.length} before it was dropped`,
    );
    const lastId = seen.at(-1)?.id ?? events(received).find((event) => event.event === 'ready')?.id;
    assert.ok(lastId !== undefined, 'the client saw at least the ready event');
    const rest = await readCids(url, f.auth, cids.length - seen.length, lastId);
    assert.deepEqual(rest, cids.slice(seen.length), 'resuming from the last event id gives the rest, once');
  });

  it('drops a gRPC subscriber that does not read: the status names the cursor, else its stream is reset', async () => {
    const group: GroupKeys = f.groupOf(await f.txFile('grpc first'));
    const hash = parseTxFile(await f.txFile('grpc probe', group)).recipient.sha512hash;
    // Subscribed before the first send: entitled by the operator's registration.
    await f.administration.registerRecipient(f.tenant, hash);
    const slow = await stalledGrpcClient(grpc, f.apiKey, hash);
    const never = await stalledGrpcClient(grpc, f.apiKey, hash);
    await sleep(300);
    const first = await submit(await f.txFile('one', group));
    // Past the drain timeout, within the grace for the status: the slow client opens its window.
    await sleep(DRAIN_TIMEOUT_MS + 500);
    slow.session.settings({ initialWindowSize: 1_048_576 });
    slow.resume();
    for (let i = 0; i < 100 && slow.headers['grpc-status'] === undefined; i++) await sleep(20);
    assert.equal(slow.headers['grpc-status'], '8', 'RESOURCE_EXHAUSTED');
    assert.equal(slow.headers['anchorpost-error-code'], 'SUBSCRIBER_TOO_SLOW');
    assert.equal(slow.headers['anchorpost-error-retryable'], 'true');
    const cursor = slow.headers['anchorpost-cursor'];
    assert.match(cursor ?? '', /^c1\.\d+\.\d+$/);
    assert.ok(
      slow.received().includes(first.slice(0, 20)),
      'the file queued before the status arrived first',
    );
    // The cursor is past that file: resuming from it gives the next one only.
    const second = await submit(await f.txFile('two', group));
    const url = `${http}/v1/subscriptions/${hash}?cursor=${cursor}`;
    assert.deepEqual(await readCids(url, f.auth, 1), [second]);

    for (let i = 0; i < 200 && !never.closed; i++) await sleep(20);
    assert.ok(never.closed, 'a client that takes not even the status has its stream reset');
    assert.equal(never.headers['grpc-status'], undefined);
    slow.close();
    never.close();
  });
});
