/**
 * Test helper for crash.test.ts: adds random files to the embedded store in `argv[2]` until it
 * is killed, printing each CID once `addFiles` has said it is stored.
 */
import { randomBytes } from 'node:crypto';
import { openHeliaContentStore } from '../src/helia/helia-content-store.ts';

const store = await openHeliaContentStore({ dir: process.argv[2]! });
for (;;) {
  const files = Array.from({ length: 20 }, () => randomBytes(1_000 + Math.floor(Math.random() * 20_000)));
  const cids = await store.addFiles(files);
  process.stdout.write(`${cids.join('\n')}\n`);
}
