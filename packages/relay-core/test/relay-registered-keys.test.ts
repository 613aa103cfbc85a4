// Relay.submit requiring registered client keys (the key registry's test double): a file signed by
// a client key no identity has published is refused with KEY_NOT_REGISTERED and leaves nothing
// behind — the attack is a tenant's client sending with a key its users cannot see; once published
// it passes; a registry that cannot be asked refuses the file as retryable, never accepting it
// unchecked; a key found current is trusted for the cache time only. Off by default.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fingerprint } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import type { ClientKeyRegistry } from '../src/registered-key-check.ts';
import { isRelayError } from '../src/relay-error.ts';
import type { Relay } from '../src/relay.ts';
import { newGroup, openFixture, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

/** The current keys as a set; `down` makes every question fail as an unreachable chain does. */
class ClientKeyRegistryTestDouble implements ClientKeyRegistry {
  readonly current = new Set<string>();
  down = false;
  asked = 0;

  isCurrentKey(key: string): Promise<boolean> {
    this.asked += 1;
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED (test double)'));
    return Promise.resolve(this.current.has(key));
  }
}

describe('Relay.submit with registered client keys required', () => {
  const registry = new ClientKeyRegistryTestDouble();
  let clock = 0;
  let fixture: Fixture;
  let relay: Relay;
  let group: GroupKeys;
  let appKey: string;

  const submitTo = (to: Relay, text: string) =>
    to.submit(txFileBytes(group, fixture.sender, fixture.app, text), { tenantId: TENANT });

  before(async () => {
    fixture = await openFixture();
    relay = await fixture.relayWith({ registeredKeys: { registry, cacheMs: 60_000, now: () => clock } });
    group = await newGroup(fixture.sender);
    appKey = fingerprint(fixture.app.public);
  });
  after(() => fixture.close());

  it('refuses a file whose client key is not published (KEY_NOT_REGISTERED), leaving nothing', async () => {
    const records = await fixture.busRecords();
    await assert.rejects(submitTo(relay, 'unpublished key'), (error: unknown) => {
      assert.ok(isRelayError(error, 'KEY_NOT_REGISTERED'), String(error));
      assert.equal(error.kind, 'forbidden');
      assert.equal(error.retryable, false);
      assert.equal(error.field, 'transaction.client.id');
      return true;
    });
    assert.equal(await fixture.busRecords(), records, 'nothing published');
  });

  it('accepts the same client once its key is published', async () => {
    registry.current.add(appKey);
    const { receipt } = await submitTo(relay, 'published key');
    assert.equal((await fixture.relay.getReceipt(receipt.cid))?.cid, receipt.cid);
  });

  it('trusts a current key for the cache time, then asks again and refuses a revoked one', async () => {
    registry.current.delete(appKey);
    const asked = registry.asked;
    await submitTo(relay, 'within the cache time');
    assert.equal(registry.asked, asked, 'not asked again within the cache time');
    clock += 60_000;
    await assert.rejects(submitTo(relay, 'revoked key'), (error: unknown) =>
      isRelayError(error, 'KEY_NOT_REGISTERED'),
    );
  });

  it('refuses while the registry cannot be asked (KEY_REGISTRY_UNAVAILABLE, retryable)', async () => {
    registry.current.add(appKey);
    registry.down = true;
    const records = await fixture.busRecords();
    try {
      await assert.rejects(
        submitTo(relay, 'registry down'),
        (error: unknown) =>
          isRelayError(error, 'KEY_REGISTRY_UNAVAILABLE') && error.retryable && error.kind === 'unavailable',
      );
    } finally {
      registry.down = false;
    }
    assert.equal(await fixture.busRecords(), records, 'nothing published');
    await submitTo(relay, 'registry back');
  });

  it('asks no registry when it is not required (the default)', async () => {
    registry.current.clear();
    const asked = registry.asked;
    await submitTo(fixture.relay, 'not required');
    assert.equal(registry.asked, asked);
  });
});
