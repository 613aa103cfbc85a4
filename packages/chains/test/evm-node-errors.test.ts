/** What an EVM node's refusals and failed simulations mean for an anchor request (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainErrorCode } from '../src/chain-error.ts';
import { anchorContractInterface } from '../src/evm/anchor-contract.ts';
import { broadcastRefusal, simulationVerdict } from '../src/evm/evm-node-errors.ts';
import type { SimulationVerdict } from '../src/evm/evm-node-errors.ts';
import { RpcResponseError } from '../src/evm/json-rpc-pool.ts';

const CONTRACT = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
/** `kind:CODE:retryable` of a verdict, to compare in one line. */
const read = (verdict: SimulationVerdict): string =>
  'error' in verdict ? `${verdict.kind}:${verdict.error.code}:${verdict.error.retryable}` : verdict.kind;
const revert = (name: string, args: unknown[] = []) =>
  new RpcResponseError(3, 'execution reverted', anchorContractInterface.encodeErrorResult(name, args));

describe('EVM node errors', () => {
  it('reads a refused broadcast: already known, nonce taken, no funds, anything else', () => {
    const cases: [string, string][] = [
      ['already known', 'known'],
      ['known transaction: 0xabc', 'known'],
      ['transaction already imported', 'known'],
      ['nonce too low: next nonce 5, tx nonce 4', ChainErrorCode.NonceConsumed],
      ['nonce has already been used', ChainErrorCode.NonceConsumed],
      ['insufficient funds for gas * price + value: balance 0', ChainErrorCode.InsufficientFunds],
      ['Insufficient funds for gas * price + value', ChainErrorCode.InsufficientFunds],
      ['replacement transaction underpriced', ChainErrorCode.Rejected],
      ['max fee per gas less than block base fee', ChainErrorCode.Rejected],
    ];
    for (const [message, expected] of cases) assert.equal(broadcastRefusal(message), expected, message);
  });

  it('fails the request on the contract’s own refusals, and waits to adopt on AlreadyAnchored', () => {
    assert.deepEqual(simulationVerdict(revert('AlreadyAnchored', [7, `0x${'11'.repeat(32)}`]), CONTRACT), {
      kind: 'already-anchored',
    });
    const notSubmitter = simulationVerdict(revert('NotSubmitter', ['0x' + '22'.repeat(20)]), CONTRACT);
    assert.equal(read(notSubmitter), `failed:${ChainErrorCode.NotSubmitter}:false`);
    for (const name of ['ZeroRoot', 'EmptyBatchCid']) {
      const verdict = simulationVerdict(revert(name), CONTRACT);
      assert.equal(read(verdict), `failed:${ChainErrorCode.InvalidRequest}:false`, name);
    }
    const tooLong = simulationVerdict(revert('BatchCidTooLong', [129]), CONTRACT);
    assert.equal(read(tooLong), `failed:${ChainErrorCode.InvalidRequest}:false`);
    const other = simulationVerdict(revert('NotOwner', ['0x' + '33'.repeat(20)]), CONTRACT);
    assert.equal(read(other), `failed:${ChainErrorCode.Reverted}:false`);
    const undecodable = simulationVerdict(
      new RpcResponseError(3, 'execution reverted', '0xdeadbeef'),
      CONTRACT,
    );
    assert.equal(read(undecodable), `failed:${ChainErrorCode.Reverted}:false`);
  });

  it('retries what is not a revert, naming a lack of funds INSUFFICIENT_FUNDS (which stops submitting)', () => {
    const poor = simulationVerdict(
      new RpcResponseError(-32000, 'insufficient funds for transfer', undefined),
      CONTRACT,
    );
    assert.equal(read(poor), `retry:${ChainErrorCode.InsufficientFunds}:true`);
    const flaky = new RpcResponseError(-32603, 'internal error', undefined);
    assert.deepEqual(simulationVerdict(flaky, CONTRACT), { kind: 'retry', error: flaky });
  });
});
