// Phase deliver: every subscriber got every file of its group exactly once, across the send
// phase's SIGKILL and restart (reconnecting with its last event id).
import assert from 'node:assert/strict';
import { waitUntil, type Receipt, type Subscriber } from '../clients.ts';
import type { Scene } from './state.ts';

export async function deliver(
  scene: Scene,
  receipts: ReadonlyMap<string, Receipt>,
  subscribers: readonly Subscriber[],
): Promise<void> {
  const FILES = scene.load.files.length;
  const perGroup = FILES / scene.load.groups.length;
  await waitUntil(
    'every delivery',
    () => subscribers.every((s) => new Set(s.deliveries.map((d) => d.cid)).size >= perGroup),
    3 * 60_000,
  );
  for (const subscriber of subscribers) {
    const cids = subscriber.deliveries.map((d) => d.cid);
    assert.equal(new Set(cids).size, cids.length, `${subscriber.name} got a file twice`);
    assert.equal(cids.length, perGroup, `${subscriber.name} got ${cids.length} files`);
    const expected = [...receipts.values()].filter((r) => r.recipientHash === subscriber.recipientHash);
    assert.deepEqual(
      new Set(cids),
      new Set(expected.map((r) => r.cid)),
      `${subscriber.name} got other files`,
    );
    assert.ok(subscriber.reconnects.length >= 1, `${subscriber.name} reconnected after the kill`);
  }
}
