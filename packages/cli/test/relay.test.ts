// `anchorpost send` and `anchorpost subscribe` as child processes against a real relay service
// (embedded PGlite, FileLogBus, Helia) running in this process.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, type GroupKeys } from '@anchorpost/protocol';
import { assertFailure, cli, eventually, spawnCli, type Streaming } from './cli-process.ts';
import { openRelayFixture, type RelayFixture } from './relay-fixture.ts';

let relay: RelayFixture;
let work: string;
const at = (name: string) => join(work, name);
let serial = 0;

/** Writes a fresh tx-file to `group` and answers its path and bytes. */
async function txFile(group: GroupKeys): Promise<{ path: string; bytes: Uint8Array }> {
  serial += 1;
  const bytes = relay.txFile(`message ${serial}`, group);
  const path = at(`tx-${serial}.yaml`);
  await writeFile(path, bytes);
  return { path, bytes };
}

async function send(path: string) {
  const result = await cli('send', path, '--relay', relay.url, '--tenant', relay.tenant, '--json');
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { receipt: { cid: string } }).receipt.cid;
}

/** Starts `anchorpost subscribe` and waits until the relay holds its stream open. */
async function subscribe(hash: string, ...extra: string[]): Promise<Streaming> {
  const before = await relay.openSubscriptions();
  const child = spawnCli('subscribe', hash, '--relay', relay.url, ...extra);
  await eventually(async () => (await relay.openSubscriptions()) > before, 'the subscription to open');
  return child;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-relay-test-'));
  relay = await openRelayFixture();
  // The CLI reads its key from the environment; the child processes inherit it.
  process.env.ANCHORPOST_API_KEY = relay.apiKey;
});

after(async () => {
  await relay.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost send', { timeout: 60_000 }, () => {
  it('prints the receipt, which GET /v1/receipts/<cid> agrees with; again, a duplicate', async () => {
    const { path } = await txFile(await relay.group());
    const result = await cli('send', path, '--relay', relay.url, '--tenant', relay.tenant);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const match = /^cid (\S+)\nsequence (\d+)\nacceptedAt (\S+)\n$/.exec(result.stdout);
    assert.ok(match, result.stdout);
    const response = await fetch(`${relay.url}/v1/receipts/${match[1]}`);
    assert.equal(response.status, 200);
    const { receipt } = (await response.json()) as {
      receipt: { cid: string; sequence: number; acceptedAt: string };
    };
    assert.equal(receipt.cid, match[1]);
    assert.equal(receipt.sequence, Number(match[2]));
    assert.equal(receipt.acceptedAt, match[3]);

    const again = await cli('send', path, '--relay', `${relay.url}/`, '--tenant', relay.tenant, '--json');
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { receipt, duplicate: true });
  });

  it('checks the receipt signature against --relay-key (PEM or hex)', async () => {
    const hexKey = Buffer.from(relay.relayPublicKey).toString('hex');
    await writeFile(at('relay-key.hex'), `${hexKey}\n`);
    const pem = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(relay.relayPublicKey).toString('base64url') },
      format: 'jwk',
    }).export({ format: 'pem', type: 'spki' });
    await writeFile(at('relay-key.pem'), pem);
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' });
    await writeFile(at('other-key.pem'), other);
    const group = await relay.group();
    for (const key of ['relay-key.hex', 'relay-key.pem']) {
      const { path } = await txFile(group);
      const args = ['--relay', relay.url, '--tenant', relay.tenant, '--relay-key', at(key)];
      const result = await cli('send', path, ...args);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /\nsignature verified \(relay key [0-9a-f]{64}\)\n$/);
    }
    const { path } = await txFile(group);
    assertFailure(
      await cli(
        'send',
        path,
        '--relay',
        relay.url,
        '--tenant',
        relay.tenant,
        '--relay-key',
        at('other-key.pem'),
      ),
      'BAD_RECEIPT_SIGNATURE',
      'receipt.signature',
    );
  });

  it('prints a refusal as one ERROR line with its code and exits 1', async () => {
    await writeFile(at('malformed.yaml'), 'version: 1\nrecipient: [unclosed\n');
    assertFailure(
      await cli('send', at('malformed.yaml'), '--relay', relay.url, '--tenant', relay.tenant),
      'YAML_SYNTAX',
    );
    const { path } = await txFile(await relay.group());
    assertFailure(await cli('send', path, '--relay', relay.url, '--tenant', 'nobody'), 'UNAUTHENTICATED');
    assertFailure(
      await cli('send', path, '--relay', relay.url, '--api-key', 'apk_made_up'),
      'UNAUTHENTICATED',
    );
  });

  it('refuses a file over 1 MiB before reading or sending it, and names an unreachable relay', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    await writeFile(at('large.yaml'), '');
    await truncate(at('large.yaml'), 1_048_577);
    // TOO_LARGE, not UNAVAILABLE: the relay is never contacted.
    assertFailure(await cli('send', at('large.yaml'), '--relay', nowhere, '--tenant', 't'), 'TOO_LARGE');
    const { path } = await txFile(await relay.group());
    assertFailure(await cli('send', path, '--relay', nowhere, '--tenant', 't'), 'UNAVAILABLE', '-');
    assertFailure(await cli('send', path, '--relay', relay.url, '--api-key', ''), 'USAGE', '-', 2);
    assertFailure(await cli('send', path, '--relay', 'ftp://x', '--tenant', 't'), 'USAGE', '-', 2);
  });
});

describe('anchorpost subscribe', { timeout: 90_000 }, () => {
  it('prints the files sent after it started and stops after --count, writing them to --out', async () => {
    const group = await relay.group();
    const first = await txFile(group);
    const hash = relay.recipientHash(first.bytes);
    const subscriber = await subscribe(hash, '--count', '2', '--out', at('inbox'));
    const cids = [await send(first.path), await send((await txFile(group)).path)];
    assert.equal(await subscriber.exit, 0, subscriber.stderr());
    assert.deepEqual(
      subscriber.lines.map((line) => line.split(' ')[0]),
      cids,
    );
    assert.match(subscriber.lines[0]!, /^\S+ \S+$/);
    assert.deepEqual(new Uint8Array(await readFile(at(`inbox/${cids[0]}.yaml`))), first.bytes);
  });

  it("names the origin peer of an inbound file, in its line and in --json; a local file's line has none", async () => {
    const group = await relay.group();
    const local = await txFile(group);
    const inbound = await txFile(group);
    const hash = relay.recipientHash(local.bytes);
    const subscriber = await subscribe(hash, '--count', '2');
    const json = await subscribe(hash, '--count', '2', '--json');
    const localCid = await send(local.path);
    await subscriber.waitForLines(1);
    // As A's inbound delivery hands the relay a file of peer platform-b's (ADR 0031).
    await relay.submitInbound(inbound.bytes, 'platform-b');
    assert.equal(await subscriber.exit, 0, subscriber.stderr());
    assert.match(subscriber.lines[0]!, new RegExp(`^${localCid} \\S+$`));
    assert.match(subscriber.lines[1]!, /^\S+ \S+ origin=platform-b$/);
    assert.equal(await json.exit, 0, json.stderr());
    const events = json.lines.map((line) => JSON.parse(line) as { cid: string; origin?: string });
    assert.deepEqual(
      events.map((event) => [event.cid, event.origin]),
      [
        [localCid, undefined],
        [subscriber.lines[1]!.split(' ')[0], 'platform-b'],
      ],
    );
  });

  it('resumes from --cursor with exactly the files sent after that line', async () => {
    const group = await relay.group();
    const first = await txFile(group);
    const hash = relay.recipientHash(first.bytes);
    const subscriber = await subscribe(hash, '--count', '2', '--json');
    await send(first.path);
    await send((await txFile(group)).path);
    assert.equal(await subscriber.exit, 0, subscriber.stderr());
    const seen = subscriber.lines.map((line) => JSON.parse(line) as { cid: string; cursor: string });

    const missed = [await send((await txFile(group)).path), await send((await txFile(group)).path)];
    const resumed = await cli(
      'subscribe',
      hash,
      '--relay',
      relay.url,
      '--cursor',
      seen[0]!.cursor,
      '--count',
      '3',
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(
      resumed.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(' ')[0]),
      [seen[1]!.cid, ...missed],
    );
  });

  it('survives the relay service restarting mid-stream, missing and repeating nothing', async () => {
    const group = await relay.group();
    const first = await txFile(group);
    const hash = relay.recipientHash(first.bytes);
    const subscriber = await subscribe(hash, '--count', '3');
    const cids = [await send(first.path)];
    await subscriber.waitForLines(1);
    const whileDown = await txFile(group);
    await relay.restart(async () => {
      // Accepted while no HTTP service runs: only a resume from the last cursor delivers it.
      await relay.submit(whileDown.bytes);
    });
    cids.push(await cidForBytes(whileDown.bytes));
    await eventually(async () => (await relay.openSubscriptions()) > 0, 'the subscription to reopen');
    cids.push(await send((await txFile(group)).path));
    assert.equal(await subscriber.exit, 0, subscriber.stderr());
    assert.deepEqual(
      subscriber.lines.map((line) => line.split(' ')[0]),
      cids,
    );
    assert.match(subscriber.stderr(), /^reconnecting in \d+ ms after: /);
  });

  it('exits 0 on Ctrl-C; a bad recipient or cursor, or no relay, is one ERROR line', async () => {
    const group = await relay.group();
    const hash = relay.recipientHash((await txFile(group)).bytes);
    const subscriber = await subscribe(hash);
    subscriber.child.kill('SIGINT');
    assert.equal(await subscriber.exit, 0, subscriber.stderr());
    assert.equal(subscriber.stderr(), '');
    assertFailure(
      await cli('subscribe', 'not-a-hash', '--relay', relay.url),
      'BAD_REQUEST',
      'params.recipientHash',
    );
    assertFailure(await cli('subscribe', hash, '--relay', relay.url, '--cursor', 'nonsense'), 'BAD_CURSOR');
    assertFailure(await cli('subscribe', hash, '--relay', relay.url, '--count', '0'), 'USAGE', '-', 2);
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    assertFailure(await cli('subscribe', hash, '--relay', nowhere), 'UNAVAILABLE', '-');
  });
});
