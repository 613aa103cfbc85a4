/**
 * The SDK's (`@anchorpost/sdk`) application side against the whole platform in this process: keys and groups saved
 * and loaded, tx-files built, sent over HTTP and gRPC with their receipts checked (and the same
 * bytes sent again after a lost answer), read back, followed with a resumable subscription, opened
 * by another member, and a short vote recounted from anchored data.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateRelayKey } from '@anchorpost/relay-core';
import {
  buildGroupTxFile,
  castVote,
  closeVoting,
  isSdkError,
  loadGroup,
  loadIdentity,
  newGroup,
  newIdentity,
  newVoting,
  openGroupTxFile,
  ProofApiClient,
  RelayClient,
  RelayGrpcClient,
  saveGroup,
  saveIdentity,
  SdkErrorCode,
  tallyVoting,
  type DeliveredTxFile,
  type GroupMembership,
  type PrivateIdentity,
} from '@anchorpost/sdk';
import { chainHead, startPlatformStage, until, type PlatformStage } from '../src/testing.ts';

const blockchain = {
  lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
  trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
};
const text = (value: string) => new TextEncoder().encode(value);

/**
 * The relay keeps one state chain per client and group: each file the app signs follows the
 * last one it sent there (`before`), or it is refused STATE_FORK.
 */
let chainAfter: string | undefined;
async function nextFile(from: GroupMembership, message: string) {
  const file = await buildGroupTxFile(from, {
    client: app,
    blockchain,
    ...(chainAfter === undefined ? {} : { before: chainAfter }),
    message: { data: text(message) },
  });
  chainAfter = file.tx.state.after;
  return file;
}

let stage: PlatformStage;
let app: PrivateIdentity;
let alice: GroupMembership;
let bob: GroupMembership;
let carol: GroupMembership;
let relay: RelayClient;

/** An SdkError with this code (and API code), or the assertion fails with what was thrown. */
function sdkError(code: string, apiCode?: string) {
  return (error: unknown) => {
    assert.ok(isSdkError(error), `expected an SdkError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (apiCode !== undefined) assert.equal(error.apiCode, apiCode, error.message);
    return true;
  };
}

before(async () => {
  app = await newIdentity();
  stage = await startPlatformStage([app]);
  // Each member's keys saved as `anchorpost keys new` saves them, the group as `group new` does.
  const people = await Promise.all(['alice', 'bob', 'carol'].map(() => newIdentity()));
  await Promise.all(people.map((person, i) => saveIdentity(join(stage.work, String(i)), person)));
  const bundle = await newGroup(people.map((person) => person.public));
  await saveGroup(join(stage.work, 'group.json'), bundle);
  [alice, bob, carol] = (await Promise.all(
    people.map(async (_, i) =>
      loadGroup(join(stage.work, 'group.json'), await loadIdentity(join(stage.work, String(i)))),
    ),
  )) as [GroupMembership, GroupMembership, GroupMembership];
  relay = new RelayClient({ url: stage.relay, apiKey: stage.apiKey, relayKey: stage.relayPublicKey });
});

after(async () => {
  await stage.close();
});

describe('keys and groups', () => {
  it('saves an identity owner-only, never over another, and loads the group as each member', async () => {
    const info = await stat(join(stage.work, '0', 'private-key.json'));
    assert.equal(info.mode & 0o777, 0o600);
    await assert.rejects(saveIdentity(join(stage.work, '0'), await newIdentity()), { code: 'EEXIST' });
    assert.equal(alice.recipient, bob.recipient);
    assert.deepEqual(alice.members, bob.members);
    assert.equal(alice.members.length, 3);
  });
});

describe('sending over HTTP and gRPC', { timeout: 60_000 }, () => {
  it('answers a receipt signed by the relay key, and the earlier one for the same bytes again', async () => {
    const file = await nextFile(alice, 'hello');
    const first = await relay.submit(file.bytes);
    assert.equal(first.receipt.cid, file.cid);
    assert.equal(first.duplicate, false);
    const again = await relay.submit(file.bytes);
    assert.equal(again.duplicate, true);
    assert.equal(again.receipt.sequence, first.receipt.sequence);
    assert.deepEqual(await relay.receipt(file.cid), first.receipt);
    assert.deepEqual(await relay.txFile(file.cid), file.bytes);
    // Another member opens it: the client's signature checked with the app's key.
    const opened = openGroupTxFile(await relay.txFile(file.cid), bob, app.public);
    assert.equal(new TextDecoder().decode(opened.message.data), 'hello');
    assert.equal(opened.client.verified, true);
  });

  it('refuses a receipt that another key signed (BAD_RECEIPT_SIGNATURE)', async () => {
    const other = new RelayClient({
      url: stage.relay,
      apiKey: stage.apiKey,
      relayKey: generateRelayKey().publicKeyRaw,
    });
    const file = await nextFile(alice, 'x');
    await assert.rejects(other.submit(file.bytes), sdkError(SdkErrorCode.BadReceiptSignature));
  });

  it('sends the same bytes again when an answer is lost, and never retries a refusal', async () => {
    const file = await nextFile(alice, 'retry');
    const sent: Uint8Array[] = [];
    // A test double of the network: the request reaches the relay, its answer is lost once.
    const answerLostOnce: typeof fetch = async (input, init) => {
      sent.push(new Uint8Array(init?.body as Uint8Array));
      const response = await fetch(input, init);
      if (sent.length === 1) throw new TypeError('fetch failed: the connection was reset');
      return response;
    };
    const flaky = new RelayClient({
      url: stage.relay,
      apiKey: stage.apiKey,
      relayKey: stage.relayPublicKey,
      retryDelayMs: 10,
      fetch: answerLostOnce,
    });
    const submitted = await flaky.submit(file.bytes);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1], sent[0]);
    assert.deepEqual(sent[0], file.bytes);
    // The relay had accepted it the first time: the retry gets that receipt.
    assert.equal(submitted.duplicate, true);
    assert.equal(submitted.receipt.cid, file.cid);

    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const unknownKey = new RelayClient({
      url: stage.relay,
      apiKey: 'ak_unknown',
      fetch: counting,
      retryDelayMs: 10,
    });
    await assert.rejects(unknownKey.submit(file.bytes), sdkError(SdkErrorCode.Refused));
    assert.equal(calls, 1);
  });

  it('sends over gRPC with the receipt checked as over HTTP', async () => {
    const grpc = new RelayGrpcClient({
      address: stage.grpc,
      apiKey: stage.apiKey,
      relayKey: stage.relayPublicKey,
    });
    try {
      const file = await nextFile(bob, 'by gRPC');
      const first = await grpc.submit(file.bytes);
      assert.equal(first.receipt.cid, file.cid);
      assert.equal(first.duplicate, false);
      // The receipt over HTTP is the same, field for field and signature.
      assert.deepEqual(await relay.receipt(file.cid), first.receipt);
      assert.equal((await grpc.submit(file.bytes)).duplicate, true);
      const stranger = new RelayGrpcClient({ address: stage.grpc, apiKey: 'ak_unknown', attempts: 1 });
      try {
        await assert.rejects(stranger.submit(file.bytes), sdkError(SdkErrorCode.Refused));
      } finally {
        stranger.close();
      }
    } finally {
      grpc.close();
    }
  });
});

describe('subscribing', { timeout: 60_000 }, () => {
  it('delivers the files sent after it started, resumes after a kept cursor, and over a dropped connection', async () => {
    const send = async (message: string) =>
      (await relay.submit((await nextFile(alice, message)).bytes)).receipt.cid;
    // The tenant may follow the group once it has sent to it.
    await send('before the subscription');
    const controller = new AbortController();
    let isLive = () => {};
    const live = new Promise<void>((resolve) => {
      isLive = resolve;
    });
    const files = relay.subscribe(alice.recipient, {
      signal: controller.signal,
      onReady: () => {
        isLive();
      },
    });
    const firstFile = files.next();
    await live;
    const one = await send('one');
    const first = (await firstFile).value as DeliveredTxFile;
    assert.equal(first.cid, one);
    assert.equal(new TextDecoder().decode(openGroupTxFile(first.bytes, carol).message.data), 'one');
    // Leaving the loop closes the stream; the app keeps the cursor.
    await files.return();
    const two = await send('two');
    const three = await send('three');
    const resumed: string[] = [];
    for await (const file of relay.subscribe(alice.recipient, { cursor: first.cursor })) {
      resumed.push(file.cid);
      if (resumed.length === 2) break;
    }
    assert.deepEqual(resumed, [two, three]);

    // A test double of the network that cuts every stream after its first tx-file event.
    let connections = 0;
    const cutAfterOneFile: typeof fetch = async (input, init) => {
      connections += 1;
      const response = await fetch(input, init);
      const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      const cut = new ReadableStream<Uint8Array>({
        // Holds the stream back until its first tx-file event is whole, passes exactly that much.
        async pull(stream) {
          for (;;) {
            const { done, value } = await reader.read();
            if (!done) seen += decoder.decode(value, { stream: true });
            const first = /event: tx-file\n[^]*?\n\n/.exec(seen);
            if (first !== null || done) {
              const end = first === null ? seen.length : first.index + first[0].length;
              stream.enqueue(new TextEncoder().encode(seen.slice(0, end)));
              await reader.cancel();
              stream.close();
              return;
            }
          }
        },
      });
      return new Response(cut, { status: response.status, headers: response.headers });
    };
    const dropping = new RelayClient({ url: stage.relay, apiKey: stage.apiKey, fetch: cutAfterOneFile });
    const reconnects: string[] = [];
    const acrossDrops: string[] = [];
    for await (const file of dropping.subscribe(alice.recipient, {
      cursor: first.cursor,
      retryMs: { first: 10, max: 50 },
      onReconnect: (reason) => reconnects.push(reason),
    })) {
      acrossDrops.push(file.cid);
      if (acrossDrops.length === 2) break;
    }
    assert.deepEqual(acrossDrops, [two, three]);
    assert.ok(connections >= 2 && reconnects.length >= 1, `${connections} connections`);
    controller.abort();
  });

  it('fails at once when the first connection is refused', async () => {
    const stranger = new RelayClient({ url: stage.relay, apiKey: 'ak_unknown' });
    await assert.rejects(stranger.subscribe(alice.recipient).next(), sdkError(SdkErrorCode.Refused));
  });
});

describe('voting', { timeout: 240_000 }, () => {
  it('runs a short vote and recounts it from anchored data, a late vote rejected', async () => {
    const source = {
      proofApi: new ProofApiClient({ url: stage.api }),
      relay,
      verify: {
        trust: stage.platform.trustRoots,
        chains: { evm: stage.platform.chain.rpcUrl },
        acceptNoLowerBound: true,
      },
    };
    const anchored = (cid: string) =>
      until(`the proof of ${cid}`, async () => (await fetch(`${stage.api}/v1/proofs/${cid}`)).status === 200);
    // Each member's file is signed by the app, next in its one chain of files in this group.
    const sending = () => ({
      client: app,
      blockchain,
      ...(chainAfter === undefined ? {} : { before: chainAfter }),
    });
    const deadline = (await chainHead(stage.platform.chain.rpcUrl)) + 20;
    const voting = await newVoting(
      alice,
      relay,
      { question: 'Lunch?', options: ['Pizza', 'Sushi'], deadline },
      sending(),
    );
    chainAfter = voting.tx.state.after;
    const votingBytes = await relay.txFile(voting.cid);
    await assert.rejects(
      castVote(bob, relay, votingBytes, 'Tacos', sending()),
      sdkError(SdkErrorCode.UnknownOption),
    );
    const bobVote = await castVote(bob, relay, votingBytes, 'Pizza', sending());
    chainAfter = bobVote.tx.state.after;
    const carolVote = await castVote(carol, relay, votingBytes, 'Sushi', sending());
    chainAfter = carolVote.tx.state.after;
    await Promise.all([voting.cid, bobVote.cid, carolVote.cid].map(anchored));
    await assert.rejects(
      closeVoting(alice, relay, voting.cid, source, sending()),
      sdkError(SdkErrorCode.VotingOpen),
    );
    await until('the deadline block', async () => (await chainHead(stage.platform.chain.rpcUrl)) > deadline);
    const late = await castVote(bob, relay, votingBytes, 'Sushi', sending());
    chainAfter = late.tx.state.after;
    await anchored(late.cid);
    const closed = await closeVoting(alice, relay, voting.cid, source, sending());
    assert.equal(closed.listed, 2);
    await anchored(closed.cid);

    const { tally, unverified } = await tallyVoting(voting.cid, carol, source);
    assert.deepEqual(unverified, []);
    assert.deepEqual(
      tally.totals.map((total) => [total.title, total.votes]),
      [
        ['Pizza', 1],
        ['Sushi', 1],
      ],
    );
    assert.deepEqual(
      tally.rejected.map((vote) => [vote.cid, vote.code]),
      [[late.cid, 'LATE_VOTE']],
    );
    assert.equal(tally.votesFile.status, 'consistent');
    assert.equal(tally.votesFile.cid, closed.cid);
  });
});
