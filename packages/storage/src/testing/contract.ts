/**
 * The ContentStore contract: one node:test suite that every adapter must pass. Call
 * `storageContract(name, factory)` from a test file; the factory builds a harness around a fresh,
 * empty store (and whatever serves it). The suite is five groups (`files`, `blocks`, `dag export`,
 * `pins and garbage collection`, `lifecycle`, in content-store-contract/), each on a harness and store of
 * its own, so one runs alone (`node --test --test-name-pattern '^blocks$' test/helia.contract.test.ts`)
 * and a failure in one leaves the others' store untouched. Within a group, tests run in order on
 * its store and may close and reopen it; every test cleans up what it relies on, and garbage
 * collection is only ever relied on for content the test itself created.
 */
import { describe } from 'node:test';
import { blocksGroup } from './content-store-contract/blocks.ts';
import { dagExportGroup } from './content-store-contract/dag-export.ts';
import { filesGroup } from './content-store-contract/files.ts';
import type { ContentStoreFactory } from './content-store-contract/fixture.ts';
import { lifecycleGroup } from './content-store-contract/lifecycle.ts';
import { pinsGroup } from './content-store-contract/pins.ts';

export type { ContentStoreFactory, ContentStoreHarness } from './content-store-contract/fixture.ts';

export function storageContract(name: string, factory: ContentStoreFactory): void {
  describe(`ContentStore contract: ${name}`, () => {
    filesGroup(factory);
    blocksGroup(factory);
    dagExportGroup(factory);
    pinsGroup(factory);
    lifecycleGroup(factory, name);
  });
}
