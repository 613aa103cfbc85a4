/**
 * One writer per sponsor account (accountElections): two replicas on one embedded lease folder
 * campaign for the same account — exactly one leads it — while each account has a lease of its
 * own, named after it, so the replica that lost one account can lead another.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { electionConfigFromEnv } from '@anchorpost/leader-election';
import type { LeaderElector } from '@anchorpost/leader-election';
import { accountElections } from '../src/account-elections.ts';

// As the sender names them: the account's address.
const SHARED = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OWN = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

let dir: string;
const electors: LeaderElector[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sponsor-elections-'));
});
after(async () => {
  for (const elector of electors) await elector.close();
  await rm(dir, { recursive: true, force: true });
});

function replica(identity: string) {
  const config = electionConfigFromEnv(
    {
      ANCHORPOST_LEADER_ELECTION: 'embedded',
      ANCHORPOST_LEADER_IDENTITY: identity,
      ANCHORPOST_DATA_DIR: dir,
      ANCHORPOST_LEADER_LEASE_DURATION: '6s',
      ANCHORPOST_LEADER_RENEW_DEADLINE: '4s',
      ANCHORPOST_LEADER_RETRY_PERIOD: '100ms',
    },
    'sponsor',
  );
  const electionFor = accountElections(config);
  return (account: string) => {
    const elector = electionFor(account)!({});
    electors.push(elector);
    elector.start();
    return elector;
  };
}

it('lets one replica lead an account, and each account be led on its own', async () => {
  const a = replica('sponsor-a');
  const b = replica('sponsor-b');
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 100 && !what(); i++) await sleep(50);
    assert.ok(what());
  };
  const sharedByA = a(SHARED);
  await until(() => sharedByA.isLeader);
  const sharedByB = b(SHARED);
  const ownByB = b(OWN);
  await until(() => ownByB.isLeader);
  // Several of B's retries (100 ms) later, A still holds the shared account.
  await sleep(500);
  assert.deepEqual(
    [sharedByA.isLeader, sharedByB.isLeader],
    [true, false],
    'one writer for the shared account',
  );
  assert.equal(ownByB.isLeader, true, 'the other account has a lease of its own');
  assert.deepEqual((await readdir(join(dir, 'leases'))).sort(), [
    `anchorpost-sponsor-${OWN.toLowerCase()}.json`,
    `anchorpost-sponsor-${SHARED.toLowerCase()}.json`,
  ]);
  // The leader stepping down hands the account over.
  await sharedByA.close();
  await until(() => sharedByB.isLeader);
});
