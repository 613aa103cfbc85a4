/**
 * What only the embedded store must prove: it never touches the network, it refuses damaged
 * blocks on disk, garbage collection cannot slip between an add and its pin, and a store written
 * by an earlier version (one file per block) opens and serves its blocks.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cidForSmallBytes, encodeBatchFile, toCid } from '@anchorpost/protocol';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { openHeliaContentStore } from '../src/helia/helia-content-store.ts';
import { PinIndex } from '../src/helia/pin-index.ts';
import { damageEmbeddedBlock } from '../src/testing/damage-block.ts';
import { StorageError } from '@anchorpost/storage-port';

const onLinux = process.platform === 'linux';

/** Inodes of this process's sockets (every TCP/UDP/Unix socket it has open). */
async function ownSocketInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match !== null) inodes.add(match[1]!);
  }
  return inodes;
}

/** Inodes of TCP sockets in LISTEN state on this machine (state 0A in /proc/net/tcp{,6}). */
async function listeningTcpInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  return inodes;
}

async function ownListeners(): Promise<string[]> {
  const own = await ownSocketInodes();
  return [...(await listeningTcpInodes())].filter((inode) => own.has(inode));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('HeliaContentStore', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-helia-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'sees a TCP listener when one is open (the check below can fail)',
    { skip: !onLinux && 'needs /proc' },
    async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        assert.equal((await ownListeners()).length, 1);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  it('opens no socket at all: no listener, no dial', { skip: !onLinux && 'needs /proc' }, async () => {
    const before = await ownSocketInodes();
    const store = await openHeliaContentStore({ dir: join(dir, 'offline') });
    try {
      const file = await store.addFile(randomBytes(300_000), { pin: true });
      await store.getFile(file, { maxBytes: 300_000 });
      const blocks = [];
      for await (const block of encodeBatchFile(
        { platform: 'p', sequence: 0, previous: null, sealedAt: '2026-01-01T00:00:00.000Z' },
        [file],
      )) {
        blocks.push(block);
        await store.putBlock(block.cid, block.bytes);
      }
      await store.pin(blocks.at(-1)!.cid);
      // An unknown CID: a networked node would now look for providers.
      await assert.rejects(
        store.getFile(file.replace(/.$/, file.endsWith('a') ? 'b' : 'a'), { maxBytes: 1, timeoutMs: 2_000 }),
      );
      await store.gc();
      assert.equal((await store.health()).ok, true);

      assert.deepEqual(await ownListeners(), [], 'TCP listeners opened by the store');
      const opened = [...(await ownSocketInodes())].filter((inode) => !before.has(inode));
      assert.deepEqual(opened, [], 'sockets opened by the store');
    } finally {
      await store.close();
    }
  });

  it('refuses a block damaged on disk (CID_MISMATCH), and a file and a DAG export read through it', async () => {
    const storeDir = join(dir, 'damaged');
    let store = await openHeliaContentStore({ dir: storeDir });
    const bytes = randomBytes(1_000);
    const cid = await store.addFile(bytes);
    await store.close();
    // Other bytes under the block's key, as a damaged disk would serve them.
    await damageEmbeddedBlock(storeDir, cid);
    store = await openHeliaContentStore({ dir: storeDir });
    try {
      const mismatch = (error: unknown): boolean =>
        error instanceof StorageError && error.code === 'CID_MISMATCH';
      await assert.rejects(store.getBlock(cid), mismatch);
      await assert.rejects(store.getFile(cid, { maxBytes: 1_000 }), mismatch);
      await assert.rejects(async () => {
        for await (const block of store.exportDag(cid)) assert.fail(`handed on ${block.cid}`);
      }, mismatch);
    } finally {
      await store.close();
    }
  });

  it('never lets garbage collection slip between an add and its pin', async () => {
    const store = await openHeliaContentStore({ dir: join(dir, 'gc-race') });
    try {
      const files = Array.from({ length: 24 }, (_, i) => randomBytes(1_000 + i * 20_000));
      const adds = files.map(async (bytes) => store.addFile(bytes, { pin: true }));
      const collections = Array.from({ length: 12 }, async () => store.gc());
      // Settle everything before judging, so no write outlives the store.
      const [added, collected] = await Promise.all([
        Promise.allSettled(adds),
        Promise.allSettled(collections),
      ]);
      assert.deepEqual(
        [...added, ...collected].filter((result) => result.status === 'rejected'),
        [],
      );
      const cids = added.map((result) => (result as PromiseFulfilledResult<string>).value);
      await store.gc();
      for (const [i, cid] of cids.entries()) {
        assert.deepEqual(
          await store.getFile(cid, { maxBytes: files[i]!.byteLength }),
          new Uint8Array(files[i]!),
          `file ${i}`,
        );
      }
    } finally {
      await store.close();
    }
  });

  it('pins a batch with one datastore file, not one per block, and keeps it through GC and restart', async () => {
    const storeDir = join(dir, 'bulk-pin');
    let store = await openHeliaContentStore({ dir: storeDir });
    try {
      const files = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`tx-file ${i}`));
      const cids = await store.addFiles(files);
      const stray = await store.addFile(randomBytes(40));
      let root = '';
      for await (const block of encodeBatchFile(
        { platform: 'p', sequence: 0, previous: null, sealedAt: '2026-01-01T00:00:00.000Z' },
        cids,
      )) {
        await store.putBlock(block.cid, block.bytes);
        root = block.cid.toString();
      }
      const before = (await filesUnder(join(storeDir, 'datastore'))).length;
      await store.pin(root);
      // Earlier, one pinned-block record per block: 302 files here.
      assert.equal((await filesUnder(join(storeDir, 'datastore'))).length - before, 1);
      // A leftover per-block record of an earlier version is not read, and GC deletes it.
      const legacy = join(storeDir, 'datastore', 'anchorpost', 'pinned-block', 'LEGACY.data');
      await mkdir(dirname(legacy), { recursive: true });
      await writeFile(legacy, new Uint8Array([0x80]));
      await store.close();
      store = await openHeliaContentStore({ dir: storeDir });
      await store.gc();
      assert.equal(await store.has(stray), false, 'the unpinned file is collected');
      for (const cid of [root, ...cids]) assert.equal(await store.has(cid), true, `${cid} kept`);
      assert.equal(await store.isPinned(cids.at(-1)!), true);
      assert.deepEqual(await filesUnder(dirname(legacy)), [], 'leftover records deleted');
    } finally {
      await store.close();
    }
  });

  it('opens a store of one file per block (earlier versions): serves, pins and collects its blocks', async () => {
    const storeDir = join(dir, 'legacy');
    // Written as earlier versions wrote it: blockstore-fs in <dir>/blocks, pins in the datastore.
    const files = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`old tx-file ${i}`));
    const cids = files.map((bytes) => cidForSmallBytes(bytes));
    const oldBlocks = new FsBlockstore(join(storeDir, 'blocks'));
    const oldDatastore = new FsDatastore(join(storeDir, 'datastore'));
    await oldBlocks.open();
    await oldDatastore.open();
    for (const [i, bytes] of files.entries()) await oldBlocks.put(toCid(cids[i]!, 'cid'), bytes);
    const stray = cidForSmallBytes(new TextEncoder().encode('old and unpinned'));
    await oldBlocks.put(toCid(stray, 'cid'), new TextEncoder().encode('old and unpinned'));
    let root = '';
    let batchBlocks = 0;
    for await (const block of encodeBatchFile(
      { platform: 'p', sequence: 0, previous: null, sealedAt: '2026-01-01T00:00:00.000Z' },
      cids,
    )) {
      await oldBlocks.put(block.cid, block.bytes);
      root = block.cid.toString();
      batchBlocks += 1;
    }
    await new PinIndex(oldBlocks, oldDatastore).pin(toCid(root, 'cid'), true);
    await oldDatastore.close();

    const store = await openHeliaContentStore({ dir: storeDir });
    try {
      assert.deepEqual(await store.getFile(cids[7]!, { maxBytes: 100 }), files[7]);
      assert.equal(await store.isPinned(cids.at(-1)!), true);
      const exported = [];
      for await (const block of store.exportDag(root)) exported.push(block.cid);
      assert.equal(exported.length, batchBlocks + cids.length, 'the batch-file and its files');
      const added = await store.addFile(new TextEncoder().encode('new tx-file'), { pin: true });
      assert.equal(await oldBlocks.has(toCid(added, 'cid')), false, 'new blocks go to the database');
      await store.gc();
      assert.equal(await store.has(stray), false, 'an unpinned old block is collected');
      assert.equal(await oldBlocks.has(toCid(stray, 'cid')), false, 'and its file deleted');
      for (const cid of [root, added, ...cids]) assert.equal(await store.has(cid), true, `${cid} kept`);
    } finally {
      await store.close();
    }
  });

  it('refuses a second store on an open folder (UNAVAILABLE), and opens once the first is closed', async () => {
    const storeDir = join(dir, 'locked');
    const first = await openHeliaContentStore({ dir: storeDir });
    const cid = await first.addFile(new TextEncoder().encode('held'));
    await assert.rejects(
      openHeliaContentStore({ dir: storeDir }),
      (error) =>
        error instanceof StorageError &&
        error.code === 'UNAVAILABLE' &&
        /open in another/.test(error.message),
    );
    await first.close();
    const second = await openHeliaContentStore({ dir: storeDir });
    try {
      assert.equal(await second.has(cid), true);
    } finally {
      await second.close();
    }
  });

  it('refuses to open under a file (BAD_CONFIG)', async () => {
    const notADir = join(dir, 'a-file');
    await writeFile(notADir, 'x');
    await assert.rejects(
      openHeliaContentStore({ dir: join(notADir, 'store') }),
      (error) => error instanceof StorageError && error.code === 'BAD_CONFIG',
    );
  });
});
