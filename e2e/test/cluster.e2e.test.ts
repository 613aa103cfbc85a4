// The end-to-end scenario (scenario.ts) on real servers, every service in its own process
// (cluster/cluster.ts): Kafka 3.9, PostgreSQL, Kubo, anvil and the Ergo node test double (its own
// process; the relays check each file's named blocks on it); two relays sharing delivery, so files
// are submitted to both and each subscriber listens on one of them (a subscriber on relay B gets
// the files submitted to relay A). The crash is a SIGKILL of every service at once, then a restart
// of each; `npm run test:e2e`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '@anchorpost/db';
import { startCluster, type Cluster } from './cluster/cluster.ts';
import { describeEndToEnd, type IndexRows, type SystemUnderTest } from './scenario.ts';
import { savePublishedTrustRoots } from './trust-roots.ts';

async function startOnCluster(dir: string, tenants: unknown): Promise<SystemUnderTest> {
  const cluster: Cluster = await startCluster({ dir, tenants, relays: 2, ergo: { relayChecksBlocks: true } });
  const ergo = cluster.ergo!;
  const relay = (i: number) => cluster.relays[i % cluster.relays.length]!;
  return {
    submitUrl: (i) => relay(i).http,
    // Subscribers listen on the relay the next file is not sent to, so delivery must cross relays.
    subscribeUrl: (k) => relay(k + 1).http,
    grpcAddress: () => relay(0).grpc,
    proofApiUrl: () => cluster.proofApiUrl,
    evmRpc: () => cluster.evmRpc,
    contractAddress: () => cluster.contractAddress,
    trustFile: () => savePublishedTrustRoots(cluster.proofApiUrl, join(dir, 'trust.json')),
    ergo: {
      nodeUrl: () => ergo.url,
      tokenId: () => ergo.tokenId,
      startHeight: () => Number(ergo.env.ANCHORPOST_ERGO_START_HEIGHT),
      rollback: (blocks) => ergo.rollback(blocks),
      relayChecksBlocks: true,
    },
    async crash() {
      const services = [...cluster.services.values()];
      await Promise.all(services.map((service) => service.kill()));
      for (const service of services) await service.start();
    },
    async stopCleanly() {
      for (const service of cluster.services.values()) {
        assert.equal(await service.stop(), 0, `${service.name} stops cleanly on SIGTERM`);
      }
    },
    async dumpIndex(): Promise<IndexRows> {
      const opened = await openDatabase({
        mode: 'postgres',
        databaseUrl: cluster.indexDb.databaseUrl,
        poolSize: 2,
      });
      try {
        const { batches, batchEntries, txFiles, anchors } = await opened.database.index.dumpAll();
        return { batches, batchEntries, txFiles, anchors };
      } finally {
        await opened.close();
      }
    },
    async rebuildIndex() {
      await cluster.rebuildIndex();
    },
    close: () => cluster.close(),
  };
}

describeEndToEnd('Anchorpost on real servers, every service its own process', { start: startOnCluster });
