/** decodeCustomError: the one revert decoder every contract package uses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Interface } from 'ethers';
import { decodeCustomError } from '../src/evm/contract-deployment.ts';

const registry = new Interface(['error Paused(uint64 until)']);
const governor = new Interface(['error GovernorNonexistentProposal(uint256 proposalId)']);

describe('decodeCustomError', () => {
  it("reads any of the contracts' errors, bare or wrapped as { data }", () => {
    const paused = registry.encodeErrorResult('Paused', [7n]);
    assert.deepEqual(decodeCustomError([governor, registry], paused), { name: 'Paused', args: [7n] });
    const missing = governor.encodeErrorResult('GovernorNonexistentProposal', [1n]);
    assert.deepEqual(decodeCustomError([governor, registry], { data: missing }), {
      name: 'GovernorNonexistentProposal',
      args: [1n],
    });
  });

  it('answers undefined for another contract, a bare revert or no data at all', () => {
    const paused = registry.encodeErrorResult('Paused', [7n]);
    assert.equal(decodeCustomError([governor], paused), undefined);
    for (const data of ['0x', '0x1234', undefined, null, 42, { data: 7 }]) {
      assert.equal(decodeCustomError([governor, registry], data), undefined);
    }
  });
});
