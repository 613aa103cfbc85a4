/**
 * A failing disk, for tests: other bytes (the first one flipped) under a block's key in a closed
 * embedded store's block database, so that reading the block through the store gives CID_MISMATCH.
 * The store must be closed (LevelDB's lock keeps a second opener out); open it again after.
 */
import { join } from 'node:path';
import { toCid } from '@anchorpost/protocol';
import { LevelBlockstore } from 'blockstore-level';
import { BLOCK_DB } from '../helia/embedded-blockstore.ts';

export async function damageEmbeddedBlock(storeDir: string, cid: string): Promise<void> {
  const db = new LevelBlockstore(join(storeDir, BLOCK_DB));
  await db.open();
  try {
    const key = toCid(cid, 'cid');
    const chunks: Uint8Array[] = [];
    for await (const chunk of db.get(key)) chunks.push(chunk);
    const damaged = Uint8Array.from(Buffer.concat(chunks));
    damaged[0]! ^= 0xff;
    await db.put(key, damaged);
  } finally {
    await db.close();
  }
}
