// `anchorpost tenant …` as child processes against a real relay's admin API: tenants, client
// keys, API keys and registered recipients are managed by the operator, a key it revokes is
// refused, and a recipient it registers (and only while it does) may be subscribed to.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import { assertFailure, cli, eventually, spawnCli } from './cli-process.ts';
import { openRelayFixture, type RelayFixture } from './relay-fixture.ts';

let relay: RelayFixture;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-tenant-test-'));
  relay = await openRelayFixture();
});
after(async () => {
  await relay.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost tenant', { timeout: 120_000 }, () => {
  const admin = () => ['--admin', relay.adminUrl, '--admin-key-file', relay.adminKeyFile];

  it('adds and lists tenants, adds and removes client keys', async () => {
    assert.equal((await cli('tenant', 'add', 'zeta', ...admin())).stdout, 'added zeta\n');
    assert.equal((await cli('tenant', 'add', 'zeta', ...admin())).stdout, 'zeta exists\n');
    const app = await generateIdentity('modern');
    const keyFile = join(work, 'app.public.json');
    await writeFile(keyFile, JSON.stringify(toPublicKeyFile(app.public)));
    const added = await cli('tenant', 'client', 'add', 'zeta', keyFile, ...admin());
    assert.equal(added.stdout, `${fingerprint(app.public)}\n`, added.stderr);
    const listed = await cli('tenant', 'list', '--json', ...admin());
    const { tenants } = JSON.parse(listed.stdout) as { tenants: { id: string; clientIds: string[] }[] };
    assert.deepEqual(tenants.find((tenant) => tenant.id === 'zeta')?.clientIds, [fingerprint(app.public)]);
    const removed = await cli('tenant', 'client', 'remove', 'zeta', fingerprint(app.public), ...admin());
    assert.equal(removed.status, 0, removed.stderr);
    assertFailure(
      await cli('tenant', 'client', 'remove', 'zeta', fingerprint(app.public), ...admin()),
      'BAD_ARGUMENT',
      'clientId',
    );
  });

  it('issues a key shown once that sends, and revokes it so that it no longer does', async () => {
    const issued = await cli(
      'tenant',
      'key',
      'new',
      relay.tenant,
      '--scopes',
      'submit',
      '--json',
      ...admin(),
    );
    assert.equal(issued.status, 0, issued.stderr);
    const { key, id } = JSON.parse(issued.stdout) as { key: string; id: string };
    const group = await relay.group();
    const file = join(work, 'one.yaml');
    await writeFile(file, relay.txFile('with a new key', group));
    const sent = await cli('send', file, '--relay', relay.url, '--api-key', key);
    assert.equal(sent.status, 0, sent.stderr);
    assert.equal((await cli('tenant', 'key', 'revoke', id, ...admin())).stdout, `revoked ${id}\n`);
    await writeFile(file, relay.txFile('after the revocation', group));
    assertFailure(await cli('send', file, '--relay', relay.url, '--api-key', key), 'UNAUTHENTICATED');
    const listed = await cli('tenant', 'list', ...admin());
    assert.match(listed.stdout, new RegExp(`key ${id} submit revoked`));
    assert.ok(!listed.stdout.includes(key.slice(21)), 'the secret is never listed');
  });

  it('registers a recipient so that the tenant may subscribe, lists it, and removes it again', async () => {
    const group = await relay.group(false);
    const hash = relay.recipientHash(relay.txFile('names the recipient', group));
    const subscribeArgs = ['subscribe', hash, '--relay', relay.url, '--api-key', relay.apiKey];
    assertFailure(await cli(...subscribeArgs), 'NOT_ENTITLED');
    assertFailure(await cli(...subscribeArgs, '--cursor', 'c1.0.0'), 'NOT_ENTITLED');

    assert.equal(
      (await cli('tenant', 'recipient', 'add', relay.tenant, hash, ...admin())).stdout,
      `registered ${hash}\n`,
    );
    assert.equal(
      (await cli('tenant', 'recipient', 'add', relay.tenant, hash, ...admin())).stdout,
      `${hash} was registered\n`,
    );
    const listed = await cli('tenant', 'recipient', 'list', relay.tenant, '--json', ...admin());
    const { recipients } = JSON.parse(listed.stdout) as {
      recipients: { recipientHash: string; sentAt: string | null; registeredAt: string | null }[];
    };
    const entry = recipients.find((recipient) => recipient.recipientHash === hash);
    assert.ok(entry, 'the recipient is listed');
    assert.equal(entry.sentAt, null);
    assert.match(entry.registeredAt ?? '', /^\d{4}-/);

    const open = await relay.openSubscriptions();
    const subscriber = spawnCli(...subscribeArgs, '--count', '1');
    await eventually(async () => (await relay.openSubscriptions()) > open, 'the subscription to open');
    const file = join(work, 'to-registered.yaml');
    await writeFile(file, relay.txFile('to a registered recipient', group));
    assert.equal((await cli('send', file, '--relay', relay.url, '--api-key', relay.apiKey)).status, 0);
    assert.equal(await subscriber.exit, 0, subscriber.stderr());

    const removed = await cli('tenant', 'recipient', 'remove', relay.tenant, hash, ...admin());
    assert.equal(removed.stdout, `removed ${hash}\n`, removed.stderr);
    // It has sent there meanwhile: that entitlement stays, only the registration went.
    const after = await cli('tenant', 'recipient', 'list', relay.tenant, ...admin());
    assert.match(after.stdout, new RegExp(`^${hash} sent \\S+$`, 'm'));
    assertFailure(
      await cli('tenant', 'recipient', 'remove', relay.tenant, hash, ...admin()),
      'BAD_ARGUMENT',
      'recipientHash',
    );
    assertFailure(await cli('tenant', 'recipient', 'add', relay.tenant, 'nope', ...admin()), 'BAD_ARGUMENT');

    // Registered, never sent to, then removed: refused again (the fixture's cache TTL is 0).
    const other = relay.recipientHash(relay.txFile('another recipient', await relay.group()));
    assert.equal((await cli('tenant', 'recipient', 'remove', relay.tenant, other, ...admin())).status, 0);
    assertFailure(
      await cli('subscribe', other, '--relay', relay.url, '--api-key', relay.apiKey),
      'NOT_ENTITLED',
    );
  });

  it('puts a tenant on a plan with overrides, and shows usage with its batch report', async () => {
    const set = await cli(
      'tenant',
      'plan',
      'set',
      relay.tenant,
      'pro',
      '--files-per-second',
      '3',
      '--max-streams',
      '2',
      ...admin(),
    );
    assert.equal(set.stdout, `${relay.tenant} pro filesPerSecond=3 maxStreams=2\n`, set.stderr);
    const listed = await cli('tenant', 'list', ...admin());
    assert.match(listed.stdout, new RegExp(`^${relay.tenant} pro filesPerSecond=3 maxStreams=2$`, 'm'));
    assertFailure(
      await cli('tenant', 'plan', 'set', relay.tenant, 'gold', ...admin()),
      'BAD_ARGUMENT',
      'plan',
    );
    assertFailure(
      await cli('tenant', 'plan', 'set', relay.tenant, 'free', '--bytes-per-day', '-1', ...admin()),
      'USAGE',
      '-',
      2,
    );

    const today = new Date().toISOString().slice(0, 10);
    const usage = await cli(
      'tenant',
      'usage',
      relay.tenant,
      '--from',
      today,
      '--to',
      today,
      '--json',
      ...admin(),
    );
    assert.equal(usage.status, 0, usage.stderr);
    const body = JSON.parse(usage.stdout) as { tenantId: string; report: { receipts: number } };
    assert.equal(body.tenantId, relay.tenant);
    assert.ok(body.report.receipts >= 1, 'the file sent with a new key counts');
    const all = await cli('tenant', 'usage', ...admin());
    assert.equal(all.status, 0, all.stderr);
    assertFailure(await cli('tenant', 'usage', '--from', 'yesterday', ...admin()), 'BAD_REQUEST');
  });

  it('refuses a wrong admin key, an API key as admin key, and a usage mistake', async () => {
    const wrong = join(work, 'wrong-admin-key');
    await writeFile(wrong, `adm_${'x'.repeat(40)}\n`);
    assertFailure(
      await cli('tenant', 'list', '--admin', relay.adminUrl, '--admin-key-file', wrong),
      'UNAUTHENTICATED',
    );
    await writeFile(wrong, relay.apiKey);
    assertFailure(
      await cli('tenant', 'list', '--admin', relay.adminUrl, '--admin-key-file', wrong),
      'UNAUTHENTICATED',
    );
    assertFailure(await cli('tenant', 'key', 'new', ...admin()), 'USAGE', '-', 2);
  });
});
