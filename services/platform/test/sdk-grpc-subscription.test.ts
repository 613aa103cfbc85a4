/**
 * The SDK's gRPC subscription (`RelayGrpcClient.subscribe`) against a real relay behind the relay
 * service's gRPC server (./sdk-grpc-relay-stage.ts): files in order with their bytes and receipts,
 * a resume from a kept cursor, the server closed and started again mid-stream (no file twice, none
 * missed, also before the first file), refusals that cannot pass ended with their code, and abort.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buildGroupTxFile,
  isSdkError,
  joinGroup,
  newGroup,
  newIdentity,
  RelayGrpcClient,
  SdkErrorCode,
  type DeliveredTxFile,
  type GroupMembership,
  type PrivateIdentity,
  type ResumableSubscriptionOptions,
  type RelayReceipt,
} from '@anchorpost/sdk';
import { startGrpcRelayStage, TENANT, type GrpcRelayStage } from './sdk-grpc-relay-stage.ts';

const blockchain = {
  lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
  trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
};
const FAST = { first: 20, max: 200 };

let stage: GrpcRelayStage;
let app: PrivateIdentity;
let member: GroupMembership;
let grpc: RelayGrpcClient;
/** The app's one chain of files in the group: each file follows the last one sent. */
let chainAfter: string | undefined;

async function nextFile(message: string) {
  const file = await buildGroupTxFile(member, {
    client: app,
    blockchain,
    ...(chainAfter === undefined ? {} : { before: chainAfter }),
    message: { data: new TextEncoder().encode(message) },
  });
  chainAfter = file.tx.state.after;
  return file;
}

/** Sends over gRPC; answers the CID. */
async function send(message: string): Promise<string> {
  return (await grpc.submit((await nextFile(message)).bytes)).receipt.cid;
}

/** Sends straight to the relay (while its gRPC server is down); answers the CID. */
async function sendToRelay(message: string): Promise<string> {
  const file = await nextFile(message);
  await stage.relay.submit(file.bytes, { tenantId: TENANT });
  return file.cid;
}

/** A subscription, and a promise of its next onReady (a new one after each call of `live()`). */
function subscription(client: RelayGrpcClient, options: ResumableSubscriptionOptions = {}) {
  const readies: (string | undefined)[] = [];
  let waiting: (() => void) | undefined;
  const files = client.subscribe(member.recipient, {
    retryMs: FAST,
    ...options,
    onReady: (cursor) => {
      readies.push(cursor);
      waiting?.();
    },
  });
  // The first next() opens the stream; a test awaits onReady before it sends.
  const first = files.next();
  const live = (count = 1) =>
    new Promise<void>((resolve) => {
      waiting = () => {
        if (readies.length >= count) resolve();
      };
      waiting();
    });
  return { files, first, live, readies };
}

/** The next `count` files' CIDs: `first` (the pending first next()) then the iterator's. */
async function take(
  files: AsyncGenerator<DeliveredTxFile, void, undefined>,
  first: Promise<IteratorResult<DeliveredTxFile, void>>,
  count: number,
): Promise<DeliveredTxFile[]> {
  const taken: DeliveredTxFile[] = [];
  let next = first;
  while (taken.length < count) {
    const result = await next;
    if (result.done === true) assert.fail(`the subscription ended after ${taken.length} files`);
    taken.push(result.value);
    if (taken.length < count) next = files.next();
  }
  return taken;
}

/** An SdkError with this code and API code, or the assertion fails with what was thrown. */
function sdkError(code: string, apiCode: string) {
  return (error: unknown) => {
    assert.ok(isSdkError(error), `expected an SdkError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.apiCode, apiCode, error.message);
    return true;
  };
}

before(async () => {
  app = await newIdentity();
  const person = await newIdentity();
  member = joinGroup(await newGroup([person.public]), person);
  stage = await startGrpcRelayStage(app);
  grpc = new RelayGrpcClient({
    address: stage.address,
    apiKey: stage.apiKey,
    relayKey: stage.relayPublicKey,
  });
  // The tenant may follow the group once it has sent to it.
  await send('before any subscription');
});

after(async () => {
  grpc.close();
  await stage.close();
});

describe('RelayGrpcClient.subscribe', { timeout: 60_000 }, () => {
  let kept: DeliveredTxFile | undefined;
  let rest: string[] = [];

  it('delivers the files sent after it started, in order, with their bytes and signed receipts', async () => {
    const { files, first, live, readies } = subscription(grpc);
    await live();
    assert.match(readies[0] ?? '', /\S/, 'the relay names where the stream starts');
    const sent: { file: { cid: string; bytes: Uint8Array }; receipt: RelayReceipt }[] = [];
    for (const message of ['one', 'two', 'three']) {
      const file = await nextFile(message);
      const { receipt } = await grpc.submit(file.bytes);
      sent.push({ file, receipt });
    }
    const got = await take(files, first, 3);
    await files.return();
    assert.deepEqual(
      got.map((file) => file.cid),
      sent.map(({ file }) => file.cid),
    );
    got.forEach((file, i) => {
      assert.deepEqual(file.bytes, sent[i]!.file.bytes);
      // The receipt the relay signed (submit checked it against the relay key), as it signed it.
      assert.deepEqual(file.receipt, sent[i]!.receipt);
    });
    kept = got[0];
    rest = got.slice(1).map((file) => file.cid);
  });

  it('resumes after a kept cursor with exactly the files after it', async () => {
    assert.ok(kept !== undefined, 'the first test kept a file');
    const { files, first, live } = subscription(grpc, { cursor: kept.cursor });
    await live();
    const later = await send('four');
    const got = await take(files, first, 3);
    await files.return();
    assert.deepEqual(
      got.map((file) => file.cid),
      [...rest, later],
    );
  });

  it('resumes across the gRPC server closed and started again, no file twice and none missed', async () => {
    const reconnects: string[] = [];
    const { files, first, live, readies } = subscription(grpc, {
      onReconnect: (reason) => reconnects.push(reason),
    });
    await live();
    const before = await send('before the restart');
    const [delivered] = await take(files, first, 1);
    assert.ok(delivered !== undefined);
    assert.equal(delivered.cid, before);
    // While it is down, files reach the relay another way; they must come after the restart.
    const pending = files.next();
    const restarted = stage.restartGrpc();
    const whileDown = [await sendToRelay('while down 1'), await sendToRelay('while down 2')];
    await restarted;
    await live(2);
    const after = await send('after the restart');
    const got = await take(files, pending, 3);
    await files.return();
    assert.deepEqual(
      got.map((file) => file.cid),
      [...whileDown, after],
    );
    assert.ok(reconnects.length >= 1, 'it reconnected');
    assert.ok(
      reconnects.some((reason) => reason.includes('UNAVAILABLE')),
      reconnects.join('; '),
    );
    assert.equal(readies[1], delivered.cursor, 'the reconnect resumed after the last file taken');
  });

  it('resumes from the stream start when cut off before its first file', async () => {
    const { files, first, live, readies } = subscription(grpc);
    await live();
    const restarted = stage.restartGrpc();
    const whileDown = await sendToRelay('sent before the first file came');
    await restarted;
    const [got] = await take(files, first, 1);
    await files.return();
    assert.equal(got?.cid, whileDown);
    assert.equal(readies[1], readies[0], 'the second stream started where the first did');
  });

  it('resumes after the relay dropped it for not reading (SUBSCRIBER_TOO_SLOW), missing nothing', async (t) => {
    const reconnects: string[] = [];
    const { files, first, live } = subscription(grpc, { onReconnect: (reason) => reconnects.push(reason) });
    await live();
    // The app takes nothing while files keep coming, until the relay gives up on it.
    const sent: string[] = [];
    while (stage.dropped === 0) {
      assert.ok(sent.length < 1_000, 'the relay never dropped the subscriber');
      sent.push(await send(`file ${sent.length}`));
    }
    t.diagnostic(`${sent.length} files sent unread before the relay dropped the subscriber`);
    // Reading again within the relay's 2 s grace: the files already sent, then the status.
    const got = await take(files, first, sent.length);
    await files.return();
    assert.deepEqual(
      got.map((file) => file.cid),
      sent,
    );
    assert.ok(
      reconnects.some((reason) => reason.includes('SUBSCRIBER_TOO_SLOW')),
      reconnects.join('; '),
    );
  });

  it('ends with REFUSED and the relay code on refusals that cannot pass', async () => {
    const stranger = await newIdentity();
    const elsewhere = joinGroup(await newGroup([stranger.public]), stranger);
    await assert.rejects(
      grpc.subscribe(elsewhere.recipient).next(),
      sdkError(SdkErrorCode.Refused, 'NOT_ENTITLED'),
    );
    const unknownKey = new RelayGrpcClient({ address: stage.address, apiKey: 'ak_unknown' });
    try {
      await assert.rejects(
        unknownKey.subscribe(member.recipient).next(),
        sdkError(SdkErrorCode.Refused, 'UNAUTHENTICATED'),
      );
    } finally {
      unknownKey.close();
    }

    // Once a stream was open too: a key revoked while it was down is not retried.
    const issued = await stage.administration.issueApiKey(TENANT, ['subscribe']);
    const revoked = new RelayGrpcClient({ address: stage.address, apiKey: issued.key });
    try {
      const reconnects: string[] = [];
      const { first, live } = subscription(revoked, { onReconnect: (reason) => reconnects.push(reason) });
      await live();
      await stage.administration.revokeApiKey(issued.id);
      await stage.restartGrpc();
      await assert.rejects(first, sdkError(SdkErrorCode.Refused, 'UNAUTHENTICATED'));
      assert.ok(reconnects.length >= 1, 'it tried again after the restart');
    } finally {
      revoked.close();
    }
  });

  it('ends the iteration, without an error, when aborted or when the client is closed', async () => {
    const controller = new AbortController();
    const { first, live } = subscription(grpc, { signal: controller.signal });
    await live();
    controller.abort();
    assert.deepEqual(await first, { done: true, value: undefined });

    // Aborted while it waits to reconnect: the relay is down for longer than the test waits.
    const waiting = new AbortController();
    const backingOff = subscription(grpc, {
      signal: waiting.signal,
      retryMs: { first: 60_000, max: 60_000 },
    });
    await backingOff.live();
    const restarted = stage.restartGrpc();
    await restarted;
    waiting.abort();
    assert.deepEqual(await backingOff.first, { done: true, value: undefined });

    const own = new RelayGrpcClient({ address: stage.address, apiKey: stage.apiKey });
    const closing = subscription(own);
    await closing.live();
    own.close();
    assert.deepEqual(await closing.first, { done: true, value: undefined });
  });
});
