import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import type { PrivateIdentity } from '@anchorpost/protocol';
import { MemoryReceiptStore } from '../src/memory-receipt-store.ts';
import { Relay } from '../src/relay.ts';
import { generateRelayKey } from '../src/relay-key.ts';
import type { RelayOptions } from '../src/relay-options.ts';
import { TenantRegistry } from '../src/tenant-registry.ts';

describe('TenantRegistry', () => {
  let app: PrivateIdentity;
  before(async () => {
    app = await generateIdentity('modern');
  });

  it('finds a client key by tenant and client id', () => {
    const registry = TenantRegistry.fromObject({
      tenants: [{ id: 'acme', clientKeys: [toPublicKeyFile(app.public)] }],
    });
    const key = registry.clientKey('acme', fingerprint(app.public));
    assert.deepEqual(key, app.public);
    assert.throws(() => registry.clientKey('other', fingerprint(app.public)), { code: 'UNKNOWN_TENANT' });
    assert.throws(() => registry.clientKey('acme', '0'.repeat(64)), { code: 'UNKNOWN_CLIENT' });
  });

  it('names the bad entry (BAD_CONFIG)', () => {
    const file = toPublicKeyFile(app.public);
    const cases: [unknown, RegExp][] = [
      [{}, /expected \{ tenants/],
      [{ tenants: [{ id: '', clientKeys: [] }] }, /tenants\[0\]\.id/],
      [
        {
          tenants: [
            { id: 'a', clientKeys: [] },
            { id: 'a', clientKeys: [] },
          ],
        },
        /tenants\[1\]\.id: tenant a is listed twice/,
      ],
      [
        { tenants: [{ id: 'a', clientKeys: [{ ...file, id: '0'.repeat(64) }] }] },
        /tenants\[0\]\.clientKeys\[0\]/,
      ],
      [{ tenants: [{ id: 'a' }] }, /tenants\[0\]\.clientKeys/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => TenantRegistry.fromObject(value), { code: 'BAD_CONFIG', message });
    }
  });

  it('loads from a JSON file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-tenants-'));
    try {
      const path = join(dir, 'tenants.json');
      await writeFile(
        path,
        JSON.stringify({ tenants: [{ id: 'acme', clientKeys: [toPublicKeyFile(app.public)] }] }),
      );
      const registry = await TenantRegistry.fromFile(path);
      assert.equal(registry.hasTenant('acme'), true);
      await writeFile(path, '{ not json');
      await assert.rejects(TenantRegistry.fromFile(path), { code: 'BAD_CONFIG' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Relay options', () => {
  it('refuses bad options, naming the key', async () => {
    const fakeBus = { ensureTopic: () => Promise.resolve() } as unknown as RelayOptions['bus'];
    const base: RelayOptions = {
      bus: fakeBus,
      storage: {} as RelayOptions['storage'],
      receipts: new MemoryReceiptStore(),
      tenants: TenantRegistry.fromObject({ tenants: [] }),
      relayKey: generateRelayKey().pkcs8Der,
    };
    for (const [override, message] of [
      [{ partitions: 0 }, /partitions/],
      [{ maxTxFileBytes: 1.5 }, /maxTxFileBytes/],
      [{ pollIntervalMs: -1 }, /pollIntervalMs/],
      [{ readBatchRecords: 20_000 }, /readBatchRecords/],
      [{ relayKey: 'nope' }, /relayKey/],
      [{ receipts: undefined }, /receipts is required/],
    ] as [Partial<RelayOptions>, RegExp][]) {
      await assert.rejects(Relay.open({ ...base, ...override }), { code: 'BAD_CONFIG', message });
    }
    await Relay.open(base);
  });
});
