import { MemoryAnchorRequestStore } from '../src/memory-anchor-request-store.ts';
import { anchorRequestStoreContract } from '../src/testing/anchor-request-store-contract.ts';

anchorRequestStoreContract('MemoryAnchorRequestStore', () =>
  Promise.resolve({ store: new MemoryAnchorRequestStore(), close: () => Promise.resolve() }),
);
