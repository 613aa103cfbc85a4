/**
 * What an EVM node's errors mean for an anchor request, as pure functions of the node's answer:
 * a refused broadcast (nonce taken, no funds, anything else) and a failed simulation (a contract
 * revert that fails the request, a race the next tick resolves, or a problem to retry).
 */
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { decodeAnchorRevert } from './anchor-contract.ts';

/** What a refused `eth_sendRawTransaction` means: 'known' is no refusal (already in the pool). */
export function broadcastRefusal(
  message: string,
):
  | 'known'
  | typeof ChainErrorCode.NonceConsumed
  | typeof ChainErrorCode.InsufficientFunds
  | typeof ChainErrorCode.Rejected {
  if (/already known|known transaction|already imported|already exists/i.test(message)) return 'known';
  if (/nonce too low|nonce has already been used|already been used/i.test(message))
    return ChainErrorCode.NonceConsumed;
  if (isInsufficientFunds(message)) return ChainErrorCode.InsufficientFunds;
  return ChainErrorCode.Rejected;
}

/** Geth, anvil, Erigon and Nethermind all say "insufficient funds" when the account cannot pay. */
export function isInsufficientFunds(message: string): boolean {
  return /insufficient funds/i.test(message);
}

export type SimulationVerdict =
  /** The sequence was anchored meanwhile: the next tick adopts it. */
  | { readonly kind: 'already-anchored' }
  /** The contract refuses this request for good: FAILED. */
  | { readonly kind: 'failed'; readonly error: ChainError }
  /** Not the contract's verdict: retry (noted on the request, or ending the tick). */
  | { readonly kind: 'retry'; readonly error: ChainError };

/** A JSON-RPC error answer to `eth_estimateGas`: its code, message and revert data. */
export interface SimulationError {
  readonly rpcCode: number;
  readonly message: string;
  readonly data: unknown;
}

/** What a failed simulation of `anchor(...)` by `contractAddress` means. */
export function simulationVerdict(
  error: SimulationError & ChainError,
  contractAddress: string,
): SimulationVerdict {
  const revert = decodeAnchorRevert(error.data);
  if (revert === undefined) {
    // Code 3 is "execution reverted" with data we could not decode: still a revert.
    if (error.rpcCode === 3)
      return {
        kind: 'failed',
        error: new ChainError(ChainErrorCode.Reverted, error.message, { cause: error }),
      };
    if (isInsufficientFunds(error.message)) {
      const poor = new ChainError(ChainErrorCode.InsufficientFunds, error.message, { cause: error });
      return { kind: 'retry', error: poor };
    }
    return { kind: 'retry', error };
  }
  switch (revert.name) {
    case 'AlreadyAnchored':
      return { kind: 'already-anchored' };
    case 'NotSubmitter':
      return failed(
        ChainErrorCode.NotSubmitter,
        `${String(revert.args[0])} may not anchor on ${contractAddress}`,
      );
    case 'ZeroRoot':
    case 'EmptyBatchCid':
    case 'BatchCidTooLong':
      return failed(ChainErrorCode.InvalidRequest, `the contract refused the request: ${revert.name}`);
    default:
      return failed(ChainErrorCode.Reverted, `the contract refused the request: ${revert.name}`);
  }
}

function failed(code: ChainErrorCode, message: string): SimulationVerdict {
  return { kind: 'failed', error: new ChainError(code, message) };
}
