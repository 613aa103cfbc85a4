// The scenario's phases as node:test tests, one each, named `<phase>: <what it checks>`. A phase
// whose needs did not complete (failed, skipped or not selected) is skipped, saying which, rather
// than failing on state that is not there. ANCHORPOST_E2E_PHASES=a,b runs only those phases and
// the phases they need; `node --test --test-name-pattern '^a:'` runs one alone.
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import type { Scene, ScenarioState } from './state.ts';

export interface Phase<Name extends string> {
  readonly name: Name;
  /** What it checks: the test's title after the phase's name. */
  readonly title: string;
  /** The phases whose output it reads. */
  readonly needs: readonly Name[];
  run(scene: Scene, state: ScenarioState, t: TestContext): Promise<void>;
}

/** The phases ANCHORPOST_E2E_PHASES names and those they need; undefined when unset (all). */
export function selectPhases<Name extends string>(
  phases: readonly Phase<Name>[],
  names: string | undefined,
): ReadonlySet<Name> | undefined {
  if (names === undefined || names.trim() === '') return undefined;
  const byName = new Map<string, Phase<Name>>(phases.map((phase) => [phase.name, phase]));
  const chosen = new Set<Name>();
  const add = (name: string): void => {
    const phase = byName.get(name);
    if (phase === undefined) {
      throw new Error(`ANCHORPOST_E2E_PHASES names ${name}; the phases are ${[...byName.keys()].join(', ')}`);
    }
    if (chosen.has(phase.name)) return;
    chosen.add(phase.name);
    for (const need of phase.needs) add(need);
  };
  for (const name of names.split(',')) add(name.trim());
  return chosen;
}

/** Registers each phase as a test, in order, over `state`. Call inside the scenario's describe. */
export function registerPhases<Name extends string>(
  phases: readonly Phase<Name>[],
  state: ScenarioState,
  selected: ReadonlySet<Name> | undefined,
): void {
  const completed = new Set<Name>();
  for (const phase of phases) {
    const skip = selected !== undefined && !selected.has(phase.name) ? 'not in ANCHORPOST_E2E_PHASES' : false;
    it(`${phase.name}: ${phase.title}`, { skip }, async (t) => {
      const missing = phase.needs.filter((need) => !completed.has(need));
      if (missing.length > 0) {
        t.skip(`needs phase ${missing.join(', ')}, which did not complete`);
        return;
      }
      assert.ok(state.scene !== undefined, 'the system did not start (see the before hook)');
      await phase.run(state.scene, state, t);
      completed.add(phase.name);
    });
  }
}
