// Phase rebuild-index: after a clean stop (every process exits 0 on SIGTERM), the index is emptied
// and rebuilt from the chain and storage alone, row for row. The system stays stopped: it is last.
import assert from 'node:assert/strict';
import type { Receipt, Subscriber } from '../clients.ts';
import type { Scene } from './state.ts';

export async function rebuildIndex(
  scene: Scene,
  subscribers: readonly Subscriber[],
  extra: readonly Receipt[],
): Promise<void> {
  const { system } = scene;
  const FILES = scene.load.files.length;
  for (const subscriber of subscribers) subscriber.stop();
  await system.stopCleanly();
  const before = await system.dumpIndex();
  assert.equal(before.txFiles.length, FILES + extra.length);
  await system.rebuildIndex();
  assert.deepEqual(await system.dumpIndex(), before);
}
