/**
 * `anchorpost release ...`: the DAO's software release — build and sign the manifest, then
 * propose, vote, queue and execute its approval, read where it stands, and since when a voted
 * image digest runs, with proofs (docs/releases.md).
 */
import { UsageError } from '../failure.ts';
import { RELEASE_GOVERNANCE_USAGE, releaseGovernanceCommand } from './release/governance.ts';
import { RELEASE_MANIFEST_USAGE, releaseManifestCommand } from './release/manifest.ts';
import { RELEASE_SINCE_USAGE, releaseSinceCommand } from './release/since.ts';

export const RELEASE_USAGE = [RELEASE_MANIFEST_USAGE, RELEASE_GOVERNANCE_USAGE, RELEASE_SINCE_USAGE].join(
  '\n  ',
);

const STEPS = new Set(['propose', 'vote', 'queue', 'execute', 'status']);

export async function releaseCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`usage:\n  ${RELEASE_USAGE}\n`);
    return 0;
  }
  if (sub === 'manifest') return releaseManifestCommand(rest);
  if (sub === 'since') return releaseSinceCommand(rest);
  if (sub !== undefined && STEPS.has(sub)) return releaseGovernanceCommand(sub, rest);
  throw new UsageError(`usage: ${RELEASE_USAGE}`);
}
