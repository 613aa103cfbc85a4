// The QuotaStore and UsageStore contracts against their in-memory test doubles (the PostgreSQL
// adapters run the same suites in the relay service's tests).
import {
  MemoryQuotaStore,
  MemoryUsageStore,
  quotaStoreContract,
  usageStoreContract,
} from '../src/testing/index.ts';

quotaStoreContract('memory', {
  create() {
    return Promise.resolve({ store: new MemoryQuotaStore(), destroy: () => Promise.resolve() });
  },
});

usageStoreContract('memory', {
  create() {
    const store = new MemoryUsageStore();
    return Promise.resolve({
      store,
      seed: {
        receipt: (tenantId, cid, acceptedAt) => {
          store.receipt(tenantId, cid, acceptedAt);
          return Promise.resolve();
        },
        batch: (platform, sequence, cid, entries) => {
          store.batch(platform, sequence, cid, entries);
          return Promise.resolve();
        },
      },
      destroy: () => Promise.resolve(),
    });
  },
});
