// The SponsorshipStore contract against its in-memory test double.
import { MemorySponsorshipStoreDouble, sponsorshipStoreContract } from '../src/testing/index.ts';

sponsorshipStoreContract('in-memory test double', () =>
  Promise.resolve({ store: new MemorySponsorshipStoreDouble(), close: () => Promise.resolve() }),
);
