/**
 * The embedded fallback (ANCHORPOST_LEADER_ELECTION=embedded): candidates in separate processes
 * on one lease file. While one leads no other can; a leader killed with SIGKILL (nothing
 * released) is replaced within lease + retry; one stopped with SIGTERM releases at once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { electionConfigFromEnv, electionFactory } from '../src/index.ts';
import type { LeaderElector } from '../src/index.ts';
import { TIMING, until } from './helpers.ts';

const SLACK_MS = 150;
const FIXTURE = join(import.meta.dirname, 'fixtures', 'lease-candidate.ts');

interface Child {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  readonly lines: string[];
  /** When (performance.now()) each line arrived. */
  readonly at: Map<string, number>;
}

describe('the embedded election: candidates in separate processes on one lease file', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const children: Child[] = [];
  const electors: LeaderElector[] = [];

  const settings = (identity: string): NodeJS.ProcessEnv => ({
    ...env,
    ANCHORPOST_LEADER_IDENTITY: identity,
  });

  const startChild = async (identity: string): Promise<Child> => {
    const child = spawn(process.execPath, [FIXTURE], {
      env: settings(identity),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const c: Child = { process: child, lines: [], at: new Map() };
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        c.lines.push(line);
        c.at.set(line, performance.now());
      }
    });
    child.stderr.pipe(process.stderr);
    children.push(c);
    await until(`${identity} started`, () => c.lines.includes('started'), 10_000);
    return c;
  };

  const parent = (identity: string) => {
    const terms: number[] = [];
    const elector = electionFactory(electionConfigFromEnv(settings(identity), 'test'))!({
      onStartedLeading: () => terms.push(performance.now()),
    });
    electors.push(elector);
    return { elector, terms };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-embedded-'));
    env = {
      PATH: process.env.PATH,
      ANCHORPOST_LEADER_ELECTION: 'embedded',
      ANCHORPOST_DATA_DIR: dir,
      ANCHORPOST_LEADER_LEASE_DURATION: `${TIMING.leaseDurationMs}ms`,
      ANCHORPOST_LEADER_RENEW_DEADLINE: `${TIMING.renewDeadlineMs}ms`,
      ANCHORPOST_LEADER_RETRY_PERIOD: `${TIMING.retryPeriodMs}ms`,
    };
  });

  after(async () => {
    for (const e of electors) await e.close();
    for (const c of children) c.process.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a second process out while the first leads; takes over from a killed leader within lease + retry', async () => {
    const first = await startChild('process-1');
    await until('process-1 leads', () => first.lines.includes('leading'));
    const second = parent('process-2');
    second.elector.start();
    await sleep(TIMING.leaseDurationMs * 2);
    assert.equal(second.terms.length, 0, 'process-2 never led while process-1 renewed');
    const lease = JSON.parse(await readFile(join(dir, 'leases', 'anchorpost-test.json'), 'utf8')) as {
      holderIdentity: string;
    };
    assert.equal(lease.holderIdentity, 'process-1', 'the default lease file in the data dir');

    const killedAt = performance.now();
    first.process.kill('SIGKILL');
    await until('process-2 takes over', () => second.terms.length > 0, 5_000);
    const takeover = second.terms[0]! - killedAt;
    process.stdout.write(
      `embedded takeover ${Math.round(takeover)} ms after SIGKILL of the leader (lease ${TIMING.leaseDurationMs} ms, retry ${TIMING.retryPeriodMs} ms)\n`,
    );
    assert.ok(
      takeover >= TIMING.leaseDurationMs - TIMING.retryPeriodMs - SLACK_MS,
      `not before expiry (${takeover} ms)`,
    );
    assert.ok(takeover <= TIMING.leaseDurationMs + TIMING.retryPeriodMs + SLACK_MS, `${takeover} ms`);
  });

  it('hands over at once when the leader stops gracefully (SIGTERM releases the lease)', async () => {
    const second = electors[0]!;
    assert.ok(second.isLeader, 'process-2 leads (from the test before)');
    const third = await startChild('process-3');
    await sleep(3 * TIMING.retryPeriodMs);
    assert.ok(!third.lines.includes('leading'), 'process-3 stands by');
    const closing = performance.now();
    await second.close();
    await until('process-3 takes over', () => third.lines.includes('leading'));
    const handover = third.at.get('leading')! - closing;
    assert.ok(handover < TIMING.leaseDurationMs / 2, `released, not expired (${Math.round(handover)} ms)`);

    third.process.kill('SIGTERM');
    await until('process-3 released', () => third.lines.includes('released'));
    const lease = JSON.parse(await readFile(join(dir, 'leases', 'anchorpost-test.json'), 'utf8')) as {
      holderIdentity: string;
    };
    assert.equal(lease.holderIdentity, '');
  });
});
