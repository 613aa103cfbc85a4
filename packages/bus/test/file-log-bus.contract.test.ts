import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLogBus } from '../src/index.ts';
import { busContract } from '../src/testing/index.ts';

busContract('FileLogBus', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-bus-contract-'));
  let bus = await openFileLogBus({ dir });
  return {
    bus,
    reopen: async () => {
      await bus.close();
      bus = await openFileLogBus({ dir });
      return bus;
    },
    cleanup: async () => {
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
