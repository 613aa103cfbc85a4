/**
 * The ContentStore contract against a real Kubo daemon (throw-away, offline, 127.0.0.1). The
 * daemon's Import config is set far from Kubo's defaults, so the suite also proves that the
 * adapter's explicit add flags, not the daemon's config, decide the CIDs.
 * Without a Kubo binary this skips, except in CI or with ANCHORPOST_REQUIRE_KUBO=1 (then it fails).
 */
import { it } from 'node:test';
import { connectKubo } from '../src/kubo/kubo-content-store.ts';
import { storageContract } from '../src/testing/contract.ts';
import { kuboBinaryForTests, startKuboDaemon } from '../src/testing/kubo-daemon.ts';

const kubo = kuboBinaryForTests();

if ('skip' in kubo) {
  it('ContentStore contract: kubo', { skip: kubo.skip }, () => undefined);
} else {
  storageContract('kubo (RPC)', async () => {
    const daemon = await startKuboDaemon({
      binary: kubo.binary,
      config: {
        'Import.CidVersion': 0,
        'Import.UnixFSRawLeaves': false,
        'Import.UnixFSChunker': 'size-1024',
        'Import.UnixFSFileMaxLinks': 3,
        'Import.HashFunction': 'sha2-512',
      },
    });
    return {
      open: () => Promise.resolve(connectKubo({ url: daemon.url, timeoutMs: 10_000 })),
      restart: async () => {
        await daemon.stop();
        await daemon.start();
      },
      takeDown: async () => daemon.stop(),
      bringUp: async () => daemon.start(),
      dispose: async () => daemon.dispose(),
    };
  });
}
