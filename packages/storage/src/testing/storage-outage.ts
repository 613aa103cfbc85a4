/**
 * Real stores that can be taken down and brought back, for tests of what a service does while
 * storage is down (ADR 0035: the relay acknowledges without it, the batcher waits for it). The
 * same test runs against each: Helia (embedded; down = closed, so every call fails CLOSED; back =
 * reopened over the same folder, a new handle) and Kubo (down = daemon stopped, so calls fail
 * UNAVAILABLE; back = started again at the same address). Kubo is skipped without a binary,
 * unless required (kuboBinaryForTests).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContentStore } from '@anchorpost/storage-port';
import { openHeliaContentStore } from '../helia/helia-content-store.ts';
import { connectKubo } from '../kubo/kubo-content-store.ts';
import { kuboBinaryForTests, startKuboDaemon } from './kubo-daemon.ts';

export interface StorageOutage {
  /** The store while it is up; after `bringUp`, the handle to use from then on. */
  store: ContentStore;
  takeDown(): Promise<void>;
  /** Brings storage back and returns the handle to use (Helia: a new one; Kubo: the same). */
  bringUp(): Promise<ContentStore>;
  dispose(): Promise<void>;
}

export interface StorageOutageKind {
  name: string;
  /** Why it cannot run here (no Kubo binary), or undefined. */
  skip: string | undefined;
  start(): Promise<StorageOutage>;
}

async function heliaOutage(): Promise<StorageOutage> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-outage-helia-'));
  const outage: StorageOutage = {
    store: await openHeliaContentStore({ dir }),
    takeDown: () => outage.store.close(),
    bringUp: async () => (outage.store = await openHeliaContentStore({ dir })),
    dispose: async () => {
      await outage.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return outage;
}

async function kuboOutage(binary: string): Promise<StorageOutage> {
  const daemon = await startKuboDaemon({ binary });
  const store = connectKubo({ url: daemon.url, timeoutMs: 10_000 });
  return {
    store,
    takeDown: () => daemon.stop(),
    bringUp: async () => {
      await daemon.start();
      return store;
    },
    dispose: async () => {
      await store.close();
      await daemon.dispose();
    },
  };
}

/** Helia and Kubo, to run one outage test against each. */
export function storageOutageKinds(): StorageOutageKind[] {
  const kubo = kuboBinaryForTests();
  return [
    { name: 'helia (embedded)', skip: undefined, start: heliaOutage },
    {
      name: 'kubo (RPC)',
      skip: 'skip' in kubo ? kubo.skip : undefined,
      start: () => ('binary' in kubo ? kuboOutage(kubo.binary) : Promise.reject(new Error(kubo.skip))),
    },
  ];
}
