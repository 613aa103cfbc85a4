// The end-to-end scenario, run on any system that serves the platform's endpoints: the one-process
// platform of `npm start` (platform.e2e.test.ts) and every service in its own process on real
// servers (cluster.e2e.test.ts). 1,000 tx-files from 3 client apps (2 tenants) to 2 groups over
// HTTP, 4 subscribers over SSE, a SIGKILL mid-stream and a restart, bad input over HTTP and gRPC,
// then every file's proof fetched from the proof API and checked with `anchorpost verify` against
// the chain, every receipted file anchored exactly once, and the index rebuilt from chain and
// storage alone, row for row. Each step is a named phase (phases/), over explicit state.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { anchor } from './phases/anchor.ts';
import { badInput } from './phases/bad-input.ts';
import { deliver } from './phases/deliver.ts';
import { buildLoad, createParties } from './phases/load.ts';
import { registerPhases, selectPhases, type Phase } from './phases/phase.ts';
import { rebuildIndex } from './phases/rebuild-index.ts';
import { rollback } from './phases/rollback.ts';
import { send } from './phases/send.ts';
import type { ScenarioState, SystemUnderTest } from './phases/state.ts';
import { verifyProofs } from './phases/verify-proofs.ts';

export { TRUSTED_BLOCK_HEIGHTS, type IndexRows, type SystemUnderTest } from './phases/state.ts';

export interface ScenarioOptions {
  /** Starts the system in `dir` with this tenants file content. */
  start(dir: string, tenants: unknown): Promise<SystemUnderTest>;
  /** Tx-files sent (default 1,000; ANCHORPOST_E2E_FILES). */
  files?: number;
  /** Keep the working folder (ANCHORPOST_E2E_KEEP). */
  keep?: boolean;
}

type PhaseName = 'send' | 'deliver' | 'bad-input' | 'verify-proofs' | 'anchor' | 'rollback' | 'rebuild-index';

/** The phases in order; each reads only what the phases it needs put into the state. */
const PHASES: readonly Phase<PhaseName>[] = [
  {
    name: 'send',
    title: 'every file accepted, 4 subscribers listening, across a SIGKILL and a restart',
    needs: [],
    run: async (scene, state) => {
      state.receipts = await send(scene, state.subscribers);
    },
  },
  {
    name: 'deliver',
    title: 'delivers every file to every subscriber exactly once across the SIGKILL and the restart',
    needs: ['send'],
    run: (scene, state) => deliver(scene, state.receipts!, state.subscribers),
  },
  {
    name: 'bad-input',
    title: 'refuses each malformed class over HTTP and gRPC with its stable code; unknown CIDs are 404',
    needs: [],
    run: (scene) => badInput(scene),
  },
  {
    name: 'verify-proofs',
    title:
      'proves every file: fetched from the proof API, checked with `anchorpost verify` against the chain',
    needs: ['send'],
    run: (scene, state) => verifyProofs(scene, state.receipts!),
  },
  {
    name: 'anchor',
    title: 'anchors every receipted file exactly once',
    needs: ['send'],
    run: (scene) => anchor(scene),
  },
  {
    name: 'rollback',
    title: 're-anchors on Ergo once after a 3-block rollback, and serves the updated proof',
    needs: [],
    run: async (scene, state, t) => {
      if (scene.system.ergo === undefined) {
        t.skip('no Ergo on this system');
        return;
      }
      await rollback(scene, scene.system.ergo, state.extra);
    },
  },
  {
    name: 'rebuild-index',
    title: 'rebuilds the index from chain and storage alone, row for row',
    needs: ['send'],
    run: (scene, state) => rebuildIndex(scene, state.subscribers, state.extra),
  },
];

export function describeEndToEnd(title: string, options: ScenarioOptions): void {
  const FILES = options.files ?? Number(process.env.ANCHORPOST_E2E_FILES ?? 1000);
  const selected = selectPhases(PHASES, process.env.ANCHORPOST_E2E_PHASES);

  describe(`${title} (${FILES} tx-files)`, { timeout: 20 * 60_000 }, () => {
    let dir: string;
    let system: SystemUnderTest | undefined;
    const state: ScenarioState = { subscribers: [], extra: [] };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-e2e-'));
      const parties = await createParties();
      system = await options.start(dir, parties.tenants);
      state.scene = { dir, system, load: await buildLoad(system, parties, FILES) };
    });

    after(async () => {
      for (const subscriber of state.subscribers) subscriber.stop();
      await system?.close();
      const keep = options.keep ?? process.env.ANCHORPOST_E2E_KEEP !== undefined;
      if (keep) process.stdout.write(`e2e: kept ${dir}\n`);
      else await rm(dir, { recursive: true, force: true });
    });

    registerPhases(PHASES, state, selected);
  });
}
