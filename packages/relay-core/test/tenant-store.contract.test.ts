// The TenantStore contract against the in-memory test double; the PostgreSQL adapter runs the same
// suite in the relay service's tests (services/relay/test/postgres-tenant-store.contract.test.ts).
import { MemoryTenantStore } from '../src/testing/memory-tenant-store.ts';
import { tenantStoreContract } from '../src/testing/tenant-store-contract.ts';

tenantStoreContract('in memory (test double)', {
  create() {
    return Promise.resolve({ store: new MemoryTenantStore(), destroy: () => Promise.resolve() });
  },
});
