/**
 * The release commands' failures as CLI failures: a manifest refusal keeps its field, a
 * governance refusal names the Governor, an RPC failure the RPC — each with its stable code.
 */
import { ChainError } from '@anchorpost/chains';
import { ReleaseError } from '@anchorpost/release';
import { ReleaseGovernanceError } from '@anchorpost/release-governance';
import { CliError } from '../../failure.ts';

export async function asCliFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReleaseError) throw new CliError(error.code, error.field, error.message);
    if (error instanceof ReleaseGovernanceError) throw new CliError(error.code, 'governor', error.message);
    if (error instanceof ChainError) throw new CliError(error.code, 'rpc', error.message);
    throw error;
  }
}
