/** A release proposal is derived from the manifest alone, and only one approve call reads back as one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseRegistryInterface } from '../src/contracts.ts';
import { ReleaseGovernanceError } from '../src/release-governance-error.ts';
import { decodeReleaseProposal, releaseProposal } from '../src/release-proposal.ts';

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const approval = {
  manifestSha256: 'ab'.repeat(32),
  manifestCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  version: 7n,
  rollback: false,
};

function refused(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => error instanceof ReleaseGovernanceError && error.code === code);
}

describe('release proposals', () => {
  it('derive the same id from the same manifest, another id from a rollback or another digest', () => {
    const a = releaseProposal(REGISTRY, approval);
    assert.deepEqual(releaseProposal(REGISTRY.toLowerCase(), approval), a);
    assert.match(a.description, /^Software Update 7\n/);
    assert.notEqual(releaseProposal(REGISTRY, { ...approval, rollback: true }).proposalId, a.proposalId);
    assert.notEqual(
      releaseProposal(REGISTRY, { ...approval, manifestSha256: 'cd'.repeat(32) }).proposalId,
      a.proposalId,
    );
  });

  it('read back one approve or approveRollback call', () => {
    for (const rollback of [false, true]) {
      const proposal = releaseProposal(REGISTRY, { ...approval, rollback });
      assert.deepEqual(decodeReleaseProposal(REGISTRY, proposal), { ...approval, rollback });
    }
  });

  it('refuse anything else as a release: a batch, another target, ether, another function', () => {
    const { targets, values, calldatas } = releaseProposal(REGISTRY, approval);
    const transfer = releaseRegistryInterface.encodeFunctionData('transferOwnership', [REGISTRY]);
    const cases = [
      { targets: [...targets, REGISTRY], values: [...values, 0n], calldatas: [...calldatas, transfer] },
      { targets: ['0x0000000000000000000000000000000000000001'], values, calldatas },
      { targets, values: [1n], calldatas },
      { targets, values, calldatas: [transfer] },
      { targets, values, calldatas: ['0xdeadbeef'] },
    ];
    for (const actions of cases)
      refused(() => decodeReleaseProposal(REGISTRY, actions), 'NOT_A_RELEASE_PROPOSAL');
  });

  it('refuse a malformed digest or a version outside uint64', () => {
    refused(
      () => releaseProposal(REGISTRY, { ...approval, manifestSha256: 'AB'.repeat(32) }),
      'INVALID_ARGUMENT',
    );
    refused(() => releaseProposal(REGISTRY, { ...approval, version: 0n }), 'INVALID_ARGUMENT');
    refused(() => releaseProposal(REGISTRY, { ...approval, version: 1n << 64n }), 'INVALID_ARGUMENT');
  });
});
