/** Ergo node calls for the verifier: the chain port's errors become the verifier's codes. */
import { ChainError, ChainErrorCode } from '@anchorpost/chains/readers';
import { ProofError, ProofErrorCode } from './proof-error.ts';

/** Runs a node call, turning chain-port errors into the verifier's codes. */
export async function nodeCall<T>(call: () => Promise<T>, field: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ChainError)) throw error;
    const code =
      error.code === ChainErrorCode.Unavailable ? ProofErrorCode.RpcUnavailable : ProofErrorCode.RpcError;
    throw new ProofError(code, field, error.message, { cause: error });
  }
}
