// The election's settings: defaults that keep a single replica as it was, and every bad value
// refused by name (ConfigError) at start-up.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/config';
import { electionConfigFromEnv, electionFactory } from '../src/index.ts';

const refused = (variable: string) => (error: unknown) =>
  error instanceof ConfigError && error.key === variable;

describe('electionConfigFromEnv', () => {
  it('defaults to off: no election, the single replica always leads', () => {
    const config = electionConfigFromEnv({}, 'anchorer');
    assert.equal(config.mode, 'off');
    assert.equal(electionFactory(config), undefined);
    assert.equal(config.identity, `${hostname()}-${process.pid}`);
    assert.equal(config.leaseFile, join(resolve('data'), 'leases', 'anchorpost-anchorer.json'));
    assert.deepEqual(
      [config.leaseDurationMs, config.renewDeadlineMs, config.retryPeriodMs],
      [15_000, 10_000, 2_000],
      "client-go's timings",
    );
  });

  it('takes the pod name and namespace from the downward API, and durations as durations', () => {
    const config = electionConfigFromEnv(
      {
        ANCHORPOST_LEADER_ELECTION: 'kubernetes',
        POD_NAMESPACE: 'anchorpost',
        POD_NAME: 'anchorer-7d9f-x2',
        ANCHORPOST_LEADER_LEASE_DURATION: '30s',
        ANCHORPOST_LEADER_RENEW_DEADLINE: '20s',
        ANCHORPOST_LEADER_RETRY_PERIOD: '4s',
      },
      'anchorer',
    );
    assert.deepEqual(
      [config.leaseName, config.namespace, config.identity],
      ['anchorpost-anchorer', 'anchorpost', 'anchorer-7d9f-x2'],
    );
    assert.deepEqual(
      [config.leaseDurationMs, config.renewDeadlineMs, config.retryPeriodMs],
      [30_000, 20_000, 4_000],
    );
    const named = electionConfigFromEnv(
      {
        ANCHORPOST_LEADER_ELECTION: 'embedded',
        ANCHORPOST_LEADER_LEASE_NAME: 'anchorer-evm-31337',
        ANCHORPOST_LEADER_IDENTITY: 'box-1',
        ANCHORPOST_DATA_DIR: '/srv/anchorpost',
      },
      'anchorer',
    );
    assert.equal(named.leaseFile, '/srv/anchorpost/leases/anchorer-evm-31337.json');
    assert.equal(named.identity, 'box-1');
  });

  it('refuses bad values by name', () => {
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_ELECTION: 'zookeeper' }, 'x'),
      refused('ANCHORPOST_LEADER_ELECTION'),
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_LEASE_NAME: 'Not_A_Name' }, 'x'),
      refused('ANCHORPOST_LEADER_LEASE_NAME'),
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_LEASE_DURATION: 'soon' }, 'x'),
      refused('ANCHORPOST_LEADER_LEASE_DURATION'),
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_RENEW_DEADLINE: '20s' }, 'x'),
      (e) =>
        refused('ANCHORPOST_LEADER_RENEW_DEADLINE')(e) &&
        /retry period < renew deadline < lease/.test(String(e)),
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_LEASE_DURATION_MS: '15000' }, 'x'),
      (e) =>
        refused('ANCHORPOST_LEADER_LEASE_DURATION_MS')(e) &&
        /ANCHORPOST_LEADER_LEASE_DURATION /.test(String(e)),
      'the millisecond names of an earlier draft are refused, not ignored',
    );
    // Outside a pod (no POD_NAMESPACE, no service account) kubernetes needs the namespace.
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_ELECTION: 'kubernetes' }, 'x'),
      refused('ANCHORPOST_LEADER_LEASE_NAMESPACE'),
    );
  });
});
