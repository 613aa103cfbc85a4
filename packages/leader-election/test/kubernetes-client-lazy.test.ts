// @kubernetes/client-node costs a process ~80 MiB of RSS when loaded. A service whose election is
// off or on a lease file (all of `npm start`) must never load it; one electing through a Kubernetes
// Lease loads it at its first request. Each case is a fresh process (fixtures/kubernetes-client-loaded.ts)
// that records every module it resolves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURE = new URL('./fixtures/kubernetes-client-loaded.ts', import.meta.url).pathname;

describe('the Kubernetes client is loaded only by an election through a Kubernetes Lease', () => {
  let dir: string;
  let kubeconfig: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-lazy-k8s-'));
    kubeconfig = join(dir, 'kubeconfig');
    // An API server nobody listens on, on loopback: the request fails at once.
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'none', cluster: { server: 'http://127.0.0.1:1' } }],
        users: [{ name: 'none', user: {} }],
        contexts: [{ name: 'none', context: { cluster: 'none', user: 'none' } }],
        'current-context': 'none',
      }),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const loaded = async (env: Record<string, string>, ask = false): Promise<boolean> => {
    const { stdout } = await run(process.execPath, [FIXTURE, JSON.stringify(env), ...(ask ? ['ask'] : [])], {
      env: { PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig },
    });
    return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { loaded: boolean }).loaded;
  };

  it('is not loaded with the election off, or embedded (a lease file)', async () => {
    assert.equal(await loaded({}), false);
    assert.equal(
      await loaded({
        ANCHORPOST_LEADER_ELECTION: 'embedded',
        ANCHORPOST_LEADER_LEASE_FILE: join(dir, 'lease.json'),
      }),
      false,
    );
  });

  it('is not loaded before a Kubernetes election asks for its Lease, and is then', async () => {
    const kubernetes = {
      ANCHORPOST_LEADER_ELECTION: 'kubernetes',
      POD_NAMESPACE: 'anchorpost',
      POD_NAME: 'p-1',
    };
    assert.equal(await loaded(kubernetes), false);
    assert.equal(await loaded(kubernetes, true), true);
  });
});
