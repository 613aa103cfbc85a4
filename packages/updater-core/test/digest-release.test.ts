import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainDeployLogEntry, deployLogEntryHashMatches } from '../src/deploy-log.ts';
import type { DeployLogEntry, DeployLogEntryInput } from '../src/deploy-log.ts';
import { findDigestRelease, IMAGE_DIGEST, namesDigest } from '../src/digest-release.ts';

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
const C = 'c3'.repeat(32);
const pin = (hex: string, image = 'ghcr.io/anchorpost/relay') => `${image}@sha256:${hex}`;

function log(inputs: readonly DeployLogEntryInput[]): DeployLogEntry[] {
  const entries: DeployLogEntry[] = [];
  for (const input of inputs)
    entries.push(chainDeployLogEntry(entries.at(-1), input, new Date(entries.length)));
  return entries;
}

const entries = log([
  { proposalId: '1', step: 'verdict', outcome: 'ok', detail: { pins: `${pin(A)} ${pin(C, 'x')}` } },
  { proposalId: '1', step: 'commit', outcome: 'ok', detail: { commit: 'c1' } },
  { proposalId: '1', step: 'running', outcome: 'ok', detail: { running: `${pin(A)} ${pin(C, 'x')}` } },
  // Proposal 2 pins B and keeps A: A has run since proposal 1.
  { proposalId: '2', step: 'verdict', outcome: 'ok', detail: { pins: `${pin(A)} ${pin(B, 'x')}` } },
  { proposalId: '2', step: 'commit', outcome: 'ok', detail: { commit: 'c2' } },
  // Proposal 3 pins C again, reviewed but refused at commit: never approved.
  { proposalId: '3', step: 'verdict', outcome: 'ok', detail: { pins: pin('d4'.repeat(32)) } },
  { proposalId: '3', step: 'commit', outcome: 'refused', code: 'X', detail: {} },
]);

describe('the release of a digest in the deploy log', () => {
  it('finds the earliest approved release pinning it and the first record of it running', () => {
    const found = findDigestRelease(entries, A)!;
    assert.equal(found.verdict.seq, 1);
    assert.equal(found.commit.seq, 2);
    assert.equal(found.running?.seq, 3);
  });

  it('says a voted digest never seen running has no running record', () => {
    const found = findDigestRelease(entries, B)!;
    assert.equal(found.commit.detail.commit, 'c2');
    assert.equal(found.running, undefined);
  });

  it('finds nothing for a digest never pinned, or pinned by a release never committed', () => {
    assert.equal(findDigestRelease(entries, 'ee'.repeat(32)), undefined);
    assert.equal(findDigestRelease(entries, 'd4'.repeat(32)), undefined);
  });

  it('matches whole digests only, and takes lowercase hex with or without sha256:', () => {
    assert.equal(namesDigest(pin(A), A.slice(2)), false);
    assert.equal(namesDigest(`${pin(A)}0`, A), false);
    assert.equal(IMAGE_DIGEST.exec(`sha256:${A}`)?.[1], A);
    assert.equal(IMAGE_DIGEST.exec(A)?.[1], A);
    for (const bad of [A.toUpperCase(), `${A}00`, `sha512:${A}`, `${A}\n`])
      assert.equal(IMAGE_DIGEST.test(bad), false);
  });

  it('checks one record hash on its own', () => {
    assert.equal(deployLogEntryHashMatches(entries[2]!), true);
    assert.equal(deployLogEntryHashMatches({ ...entries[2]!, detail: { running: pin(B) } }), false);
  });
});
