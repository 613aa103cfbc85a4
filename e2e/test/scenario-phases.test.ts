// The scenario's phase runner (phases/phase.ts): a phase whose needs failed is skipped, saying
// which, while the others still run; ANCHORPOST_E2E_PHASES selects phases with what they need.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { selectPhases, type Phase } from './phases/phase.ts';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, 'phases/fixtures/failing-phase.ts');

/** Each test of the fixture's run (a child `node --test`, TAP): ok, not ok, or its skip reason. */
async function outcomes(env: Record<string, string> = {}): Promise<Map<string, string>> {
  const childEnv = { ...process.env, ...env };
  // Without the parent runner's NODE_TEST_CONTEXT, or the child would report to it, not in TAP.
  delete childEnv.NODE_TEST_CONTEXT;
  const child = await run(process.execPath, ['--test', '--test-reporter=tap', FIXTURE], {
    env: childEnv,
  }).catch(
    (error: unknown) => error as { stdout: string }, // a failing phase fails the run
  );
  const seen = new Map<string, string>();
  for (const [, not, name, skip] of child.stdout.matchAll(/^ *(not )?ok \d+ - (.+?)(?: # SKIP (.*))?$/gm)) {
    seen.set(name!, not !== undefined ? 'fail' : skip !== undefined ? `skip: ${skip}` : 'pass');
  }
  return seen;
}

const noop = () => Promise.resolve();
const phases: Phase<'send' | 'deliver' | 'verify' | 'bad-input'>[] = [
  { name: 'send', title: '', needs: [], run: noop },
  { name: 'deliver', title: '', needs: ['send'], run: noop },
  { name: 'verify', title: '', needs: ['deliver'], run: noop },
  { name: 'bad-input', title: '', needs: [], run: noop },
];

describe('scenario phases', () => {
  it('skips a phase whose need failed, naming it, and still runs the independent ones', async () => {
    const seen = await outcomes();
    assert.equal(seen.get('first: fails'), 'fail');
    assert.equal(
      seen.get('second: reads what first produced'),
      'skip: needs phase first, which did not complete',
    );
    assert.equal(seen.get('third: needs nothing'), 'pass');
  });

  it('runs only the phases ANCHORPOST_E2E_PHASES names, and the others say so', async () => {
    const seen = await outcomes({ ANCHORPOST_E2E_PHASES: 'third' });
    assert.equal(seen.get('first: fails'), 'skip: not in ANCHORPOST_E2E_PHASES');
    assert.equal(seen.get('third: needs nothing'), 'pass');
  });

  it('selects the named phases with everything they need, transitively', () => {
    assert.equal(selectPhases(phases, undefined), undefined);
    assert.equal(selectPhases(phases, ' '), undefined);
    assert.deepEqual(selectPhases(phases, 'verify'), new Set(['verify', 'deliver', 'send']));
    assert.deepEqual(selectPhases(phases, 'bad-input, deliver'), new Set(['bad-input', 'deliver', 'send']));
  });

  it('refuses a name that is no phase, listing the phases', () => {
    assert.throws(
      () => selectPhases(phases, 'sned'),
      /names sned; the phases are send, deliver, verify, bad-input/,
    );
  });
});
