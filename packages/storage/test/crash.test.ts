/**
 * A crash never leaves a torn block that is later served: a writer killed (SIGKILL) in the middle
 * of its adds, then its database log cut short as a power loss would, and the store reopened —
 * every block it serves is whole, and every block the writer was told was stored is there (the
 * kill) or all but the cut tail (the cut).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { toCid } from '@anchorpost/protocol';
import { checkBlockBytes } from '../src/block-check.ts';
import { BLOCK_DB, EmbeddedBlockstore } from '../src/helia/embedded-blockstore.ts';
import { openHeliaContentStore } from '../src/helia/helia-content-store.ts';

const WRITER = join(import.meta.dirname, 'crash-writer.ts');

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-crash-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer until it has been told `count` blocks are stored, then kills it. */
async function writeUntilKilled(storeDir: string, count: number): Promise<string[]> {
  const child = spawn(process.execPath, [WRITER, storeDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stored: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    stored.push(line);
    if (stored.length >= count) break;
  }
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.ok(stored.length >= count, 'the writer stored blocks before it was killed');
  return stored;
}

/** Every block in the store, checked against its CID; the CIDs of those that are there. */
async function wholeBlocks(storeDir: string): Promise<Set<string>> {
  const blocks = await EmbeddedBlockstore.open(storeDir);
  const there = new Set<string>();
  try {
    for await (const { cid, bytes } of blocks.getAll()) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of bytes) chunks.push(chunk);
      checkBlockBytes(cid, Buffer.concat(chunks));
      there.add(cid.multihash.bytes.toString());
    }
  } finally {
    await blocks.close();
  }
  return there;
}

const key = (cid: string): string => toCid(cid, 'cid').multihash.bytes.toString();

it('keeps every stored block whole and there after a SIGKILL mid-write', async () => {
  const storeDir = join(dir, 'killed');
  const stored = await writeUntilKilled(storeDir, 400);
  const there = await wholeBlocks(storeDir);
  for (const cid of stored) assert.ok(there.has(key(cid)), `${cid} was stored and is gone`);
  const store = await openHeliaContentStore({ dir: storeDir });
  try {
    assert.ok((await store.getBlock(stored.at(-1)!)).byteLength > 0);
  } finally {
    await store.close();
  }
});

it('serves no torn block after its log is cut short mid-record', async () => {
  const storeDir = join(dir, 'cut');
  const stored = await writeUntilKilled(storeDir, 400);
  const logs = (await readdir(join(storeDir, BLOCK_DB))).filter((name) => name.endsWith('.log'));
  let cut = 0;
  for (const log of logs) {
    const path = join(storeDir, BLOCK_DB, log);
    const { size } = await stat(path);
    if (size < 10_000) continue;
    await truncate(path, size - 5_000); // inside a record: blocks are 1,000–21,000 bytes
    cut += 1;
  }
  assert.ok(cut > 0, 'found the database log');
  const there = await wholeBlocks(storeDir);
  const kept = stored.filter((cid) => there.has(key(cid))).length;
  assert.ok(kept >= stored.length - 40, `${kept} of ${stored.length} stored blocks left`);
});
