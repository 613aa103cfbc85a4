/** ArgoCdHttpApi against the Argo CD API test double: the token, the sync states, the images. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArgoCdHttpApi, applicationStatus } from '../src/argo-cd.ts';
import { UpdaterError } from '../src/updater-error.ts';
import { ArgoCdApiTestDouble, createGitOpsRemote } from '../src/testing/index.ts';

const REPO = join(import.meta.dirname, '../../..');

describe('ArgoCdHttpApi, against the Argo CD API test double', () => {
  let dir: string;
  let argo: ArgoCdApiTestDouble;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'updater-argo-'));
    const remote = await createGitOpsRemote(dir, REPO);
    argo = await ArgoCdApiTestDouble.start({
      application: 'anchorpost-prod',
      repository: remote.remote,
      branch: 'release',
      token: 'project-role-token',
      pollsToSync: 1,
    });
  });
  after(async () => {
    await argo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads OutOfSync first, then Synced and Healthy at the branch tip with the pinned images', async () => {
    const api = new ArgoCdHttpApi({ baseUrl: argo.url, token: 'project-role-token' });
    const first = await api.application('anchorpost-prod');
    assert.equal(first.sync, 'OutOfSync');
    const second = await api.application('anchorpost-prod');
    assert.equal(second.sync, 'Synced');
    assert.equal(second.health, 'Healthy');
    assert.match(second.revision ?? '', /^[0-9a-f]{40}$/);
    // One per image the prod overlay pins (every release image but the updater's own).
    assert.equal(second.images.length, 7);
  });

  it('refuses a wrong token and an unknown Application as UNAVAILABLE (retryable)', async () => {
    for (const [token, name] of [
      ['stolen', 'anchorpost-prod'],
      ['project-role-token', 'anchorpost-dev'],
    ] as const) {
      await assert.rejects(
        new ArgoCdHttpApi({ baseUrl: argo.url, token }).application(name),
        (error: unknown) => {
          assert.ok(error instanceof UpdaterError);
          assert.equal(error.code, 'UNAVAILABLE');
          assert.equal(error.retryable, true);
          return true;
        },
      );
    }
  });

  it('refuses an answer that is not an Application', () => {
    assert.throws(
      () => applicationStatus({ items: [] }),
      (e: unknown) => (e as UpdaterError).code === 'BAD_ARGO_CD_RESPONSE',
    );
  });
});
