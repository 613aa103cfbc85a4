// Phase send: 4 subscribers listen over SSE, then every file of the load goes in over HTTP, 6 at a
// time, with a SIGKILL of the system after 40 % of the receipts (requests in flight) and a
// restart on the same state; clients retry the same bytes until they get a receipt.
import assert from 'node:assert/strict';
import { Subscriber, submitUntilAccepted, type Receipt } from '../clients.ts';
import type { Scene } from './state.ts';

const CONCURRENCY = 6;

/**
 * Returns every file's receipt, by CID. The subscribers it opens go into `subscribers` as they
 * open, so that they are stopped at the end even when this phase fails.
 */
export async function send(scene: Scene, subscribers: Subscriber[]): Promise<Map<string, Receipt>> {
  const { system } = scene;
  const { groups, files } = scene.load;
  const FILES = files.length;
  const KILL_AFTER = Math.floor(FILES * 0.4);
  const receipts = new Map<string, Receipt>();
  for (const group of groups) {
    for (const member of group.members) {
      const k = subscribers.length;
      const apiKey = scene.load.clients[0]!.apiKey;
      subscribers.push(new Subscriber(member, group.hash, () => system.subscribeUrl(k), apiKey));
    }
  }
  await Promise.all(subscribers.map((s) => s.ready()));

  const deadline = Date.now() + 8 * 60_000;
  let next = 0;
  let killed = false;
  let restarting: Promise<void> | undefined;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const i = next - 1;
      const receipt = await submitUntilAccepted(
        () => system.submitUrl(i),
        file.client.apiKey,
        file.bytes,
        deadline,
      );
      receipts.set(receipt.cid, receipt);
      if (!killed && receipts.size >= KILL_AFTER) {
        killed = true;
        // Mid-stream: other workers have requests in flight right now.
        restarting = system.crash();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await restarting;
  assert.equal(receipts.size, FILES, 'every file got a receipt');
  return receipts;
}
