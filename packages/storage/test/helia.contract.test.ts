/** The ContentStore contract against the embedded Helia store in a temp folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHeliaContentStore } from '../src/helia/helia-content-store.ts';
import { storageContract } from '../src/testing/contract.ts';

storageContract('helia (embedded)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-helia-'));
  return {
    open: async () => openHeliaContentStore({ dir }),
    dispose: async () => rm(dir, { recursive: true, force: true }),
  };
});
