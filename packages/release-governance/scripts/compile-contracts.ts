/**
 * Codegen: contracts/*.sol (the release vote's four contracts, built on @openzeppelin/contracts)
 * into src/generated/*.ts, through the shared compile step (@anchorpost/solidity-codegen): any
 * compiler error or warning fails the build.
 */
import { runCodegen } from '@anchorpost/solidity-codegen';

await runCodegen(import.meta.url, {
  /** Pinned together with each `pragma solidity` line; a different solc must be a deliberate change. */
  solcVersion: '0.8.37',
  /** Cancun: OpenZeppelin 5.x uses its opcodes (mcopy); supported by Ethereum and the major L2s. */
  evmVersion: 'cancun',
  /**
   * Low: these contracts run a few calls per release, and the Governor with all its extensions
   * must stay under the 24 KiB code size limit.
   */
  optimizerRuns: 200,
  libraries: ['@openzeppelin/contracts'],
  targets: [
    {
      source: 'ReleaseVotes.sol',
      contract: 'ReleaseVotes',
      output: 'release-votes.ts',
      exportPrefix: 'releaseVotes',
    },
    {
      source: 'ReleaseTimelock.sol',
      contract: 'ReleaseTimelock',
      output: 'release-timelock.ts',
      exportPrefix: 'releaseTimelock',
    },
    {
      source: 'ReleaseGovernor.sol',
      contract: 'ReleaseGovernor',
      output: 'release-governor.ts',
      exportPrefix: 'releaseGovernor',
    },
    {
      source: 'ReleaseRegistry.sol',
      contract: 'ReleaseRegistry',
      output: 'release-registry.ts',
      exportPrefix: 'releaseRegistry',
    },
  ],
});
