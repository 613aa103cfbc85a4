/**
 * Public and private mode are the storage's (ADR 0031): two Kubo daemons peered over loopback
 * fetch each other's files by CID; with a shared swarm key (LIBP2P_FORCE_PNET) they still do, and
 * a third daemon without the key can neither connect to them nor fetch what they hold — its read
 * ends in a retryable storage error, which a peer platform's parser reports and retries.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import { connectKubo } from '../src/kubo/kubo-content-store.ts';
import { kuboBinaryForTests, newSwarmKey, startKuboDaemon } from '../src/testing/kubo-daemon.ts';
import type { KuboDaemon } from '../src/testing/kubo-daemon.ts';

const kubo = kuboBinaryForTests();
const skip = 'skip' in kubo ? kubo.skip : false;
const binary = 'binary' in kubo ? kubo.binary : '';

async function peered(...daemons: KuboDaemon[]): Promise<void> {
  for (const one of daemons) for (const other of daemons) if (one !== other) await one.peer(other);
}

describe('Kubo daemons on a loopback swarm', { skip, timeout: 120_000 }, () => {
  const daemons: KuboDaemon[] = [];
  const start = async (key?: string) => {
    const daemon = await startKuboDaemon({ binary, swarm: key === undefined ? {} : { key } });
    daemons.push(daemon);
    return daemon;
  };
  after(async () => {
    await Promise.all(daemons.map((daemon) => daemon.dispose()));
  });

  it('public mode: a file added on one daemon is fetched by CID from the other', async () => {
    const [one, two] = [await start(), await start()];
    await peered(one, two);
    const bytes = randomBytes(4096);
    const cid = await connectKubo({ url: one.url }).addFile(bytes, { pin: true });
    const fetched = await connectKubo({ url: two.url, timeoutMs: 20_000 }).getFile(cid, {
      maxBytes: 1 << 20,
    });
    assert.deepEqual(Buffer.from(fetched), bytes);
  });

  describe('private mode', () => {
    const key = newSwarmKey();
    let one: KuboDaemon;
    let two: KuboDaemon;
    let outsider: KuboDaemon;
    before(async () => {
      [one, two, outsider] = [await start(key), await start(key), await start()];
      await peered(one, two);
    });

    it('daemons sharing the swarm key fetch each other’s files', async () => {
      const bytes = randomBytes(4096);
      const cid = await connectKubo({ url: one.url }).addFile(bytes, { pin: true });
      const fetched = await connectKubo({ url: two.url, timeoutMs: 20_000 }).getFile(cid, {
        maxBytes: 1 << 20,
      });
      assert.deepEqual(Buffer.from(fetched), bytes);
      assert.ok((await two.connectedPeers()).includes(await one.peerId()));
    });

    it('a daemon without the key cannot connect, and cannot fetch what they hold', async () => {
      const bytes = randomBytes(4096);
      const cid = await connectKubo({ url: one.url }).addFile(bytes, { pin: true });
      // Peering is configuration: Kubo accepts it, then fails every dial (the handshake needs the key).
      await outsider.peer(one);
      await assert.rejects(
        // As long as the keyed daemons were given above, once peered.
        connectKubo({ url: outsider.url, timeoutMs: 10_000 }).getFile(cid, { maxBytes: 1 << 20 }),
        (error: unknown) =>
          error instanceof StorageError &&
          (error.code === StorageErrorCode.Timeout || error.code === StorageErrorCode.Unavailable) &&
          error.retryable,
      );
      assert.deepEqual(await outsider.connectedPeers(), [], 'no connection without the key');
      // Nor the other way round: the private daemons never reach the outsider's swarm.
      const outside = await connectKubo({ url: outsider.url }).addFile(randomBytes(4096), { pin: true });
      await assert.rejects(
        connectKubo({ url: two.url, timeoutMs: 3_000 }).getFile(outside, { maxBytes: 1 << 20 }),
      );
    });
  });
});
