// The per-file checks on worker threads: the same answers as inline (parsed file and CID; the same
// ProtocolError code and field for a non-canonical file, a v0.1 file, a bad signature and another
// client's key), a bound past which a check is refused at once (INGEST_QUEUE_FULL), and a relay
// on check threads that accepts and refuses as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  cidForBytes,
  generateIdentity,
  parseTxFile,
  ProtocolError,
  serializeTxFile,
} from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity, PublicIdentity, TxFile } from '@anchorpost/protocol';
import { RelayError } from '../src/relay-error.ts';
import { TxFileChecks } from '../src/tx-file-checks.ts';
import { legacyTxFileBytes, newGroup, openFixture, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

const MAX_BYTES = 1_048_576;

/** The outcome of a check as the relay sees it: a value, or a refusal's class, code and field. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    return error instanceof ProtocolError
      ? { refused: 'ProtocolError', code: error.code, field: error.field, retryable: error.retryable }
      : { refused: String(error) };
  }
}

describe('TxFileChecks', { timeout: 120_000 }, () => {
  let group: GroupKeys;
  let sender: PrivateIdentity;
  let app: PrivateIdentity;
  let stranger: PublicIdentity;
  const threaded = new TxFileChecks({ threads: 2, maxWaiting: 100 });
  const inline = new TxFileChecks({ threads: 0, maxWaiting: 100 });

  before(async () => {
    sender = await generateIdentity('modern');
    app = await generateIdentity('modern');
    stranger = (await generateIdentity('modern')).public;
    group = await newGroup(sender);
  });
  after(async () => {
    await threaded.close();
  });

  it('parses on a thread to the same file and CID as inline', async () => {
    const bytes = txFileBytes(group, sender, app, 'threaded');
    const parsed = await threaded.parse(bytes, MAX_BYTES);
    assert.equal(threaded.runningThreads, 1, 'a thread did the work');
    assert.equal(parsed.cid, await cidForBytes(bytes));
    assert.deepEqual(parsed.tx, parseTxFile(bytes));
    assert.deepEqual(parsed, await inline.parse(bytes, MAX_BYTES));
    await threaded.verify(parsed.tx, app.public);
  });

  it('refuses on a thread with the same ProtocolError code and field as inline', async () => {
    const bytes = txFileBytes(group, sender, app, 'refused');
    const yaml = new TextDecoder().decode(bytes);
    const tx = parseTxFile(bytes);
    const other = parseTxFile(txFileBytes(group, sender, app, 'other'));
    const badSignature: TxFile = { ...tx, client: { ...tx.client, signature: other.client.signature } };
    const cases: [string, (checks: TxFileChecks) => Promise<unknown>][] = [
      ['not canonical', (checks) => checks.parse(new TextEncoder().encode(`${yaml}# more\n`), MAX_BYTES)],
      ['not YAML', (checks) => checks.parse(new TextEncoder().encode('{ ['), MAX_BYTES)],
      ['v0.1', (checks) => checks.parse(legacyTxFileBytes(group, sender, app), MAX_BYTES)],
      ['too large', (checks) => checks.parse(bytes, 100)],
      ['bad signature', (checks) => checks.verify(parseTxFile(serializeTxFile(badSignature)), app.public)],
      ["another client's key", (checks) => checks.verify(tx, stranger)],
    ];
    for (const [name, check] of cases) {
      const onThread = await outcome(() => check(threaded));
      assert.equal(
        (onThread as { refused?: string }).refused,
        'ProtocolError',
        `${name}: ${String(onThread)}`,
      );
      assert.deepEqual(onThread, await outcome(() => check(inline)), name);
    }
  });

  it('refuses a check at once past its bound (INGEST_QUEUE_FULL, retryable)', async () => {
    const bounded = new TxFileChecks({ threads: 1, maxWaiting: 2 });
    try {
      const files = [1, 2, 3].map((i) => txFileBytes(group, sender, app, `bounded ${i}`));
      const outcomes = await Promise.allSettled(files.map((bytes) => bounded.parse(bytes, MAX_BYTES)));
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'fulfilled', 'rejected'],
      );
      const error = (outcomes[2] as PromiseRejectedResult).reason as unknown;
      assert.ok(error instanceof RelayError, String(error));
      assert.deepEqual(
        { code: error.code, retryable: error.retryable },
        { code: 'INGEST_QUEUE_FULL', retryable: true },
      );
      assert.ok((await bounded.parse(files[2]!, MAX_BYTES)).cid.length > 0, 'taken once the others are done');
    } finally {
      await bounded.close();
    }
  });
});

describe('TxFileChecks closing', { timeout: 60_000 }, () => {
  it('fails the checks still running when closed, and refuses new ones', async () => {
    const sender = await generateIdentity('modern');
    const app = await generateIdentity('modern');
    const group = await newGroup(sender);
    const checks = new TxFileChecks({ threads: 1, maxWaiting: 100 });
    const running = checks.parse(txFileBytes(group, sender, app, 'closing'), MAX_BYTES).then(
      () => 'checked',
      (error: unknown) => String(error),
    );
    await checks.close();
    assert.match(await running, /closed/);
    await assert.rejects(checks.parse(txFileBytes(group, sender, app, 'after'), MAX_BYTES), /closed/);
  });
});

describe('Relay with check threads', { timeout: 120_000 }, () => {
  let f: Fixture;
  let group: GroupKeys;

  before(async () => {
    f = await openFixture({ checkThreads: 1 });
    group = await newGroup(f.sender);
  });
  after(async () => {
    await f.relay.close();
    await f.close();
  });

  it('accepts a file and refuses a non-canonical one and a bad signature with their codes', async () => {
    const bytes = txFileBytes(group, f.sender, f.app, 'on a thread');
    const { receipt, duplicate } = await f.relay.submit(bytes, { tenantId: TENANT });
    assert.equal(duplicate, false);
    assert.equal(receipt.cid, await cidForBytes(bytes));

    const yaml = new TextDecoder().decode(txFileBytes(group, f.sender, f.app, 'variant'));
    await assert.rejects(
      f.relay.submit(new TextEncoder().encode(yaml.replaceAll('\n', '\r\n')), { tenantId: TENANT }),
      (error: unknown) => error instanceof ProtocolError && error.code === 'NOT_CANONICAL',
    );
    const tx = parseTxFile(txFileBytes(group, f.sender, f.app, 'forged'));
    const other = parseTxFile(txFileBytes(group, f.sender, f.app, 'donor'));
    const forged = serializeTxFile({ ...tx, client: { ...tx.client, signature: other.client.signature } });
    await assert.rejects(
      f.relay.submit(forged, { tenantId: TENANT }),
      (error: unknown) =>
        error instanceof ProtocolError &&
        error.code === 'BAD_SIGNATURE' &&
        error.field === 'transaction.client.signature',
    );
  });
});
