/**
 * Codegen: contracts/AnchorpostAnchor.sol into src/generated/anchorpost-anchor.ts, through the
 * shared compile step (@anchorpost/solidity-codegen): any compiler error or warning fails the build;
 * the contract is small enough to be warning-free.
 */
import { runCodegen } from '@anchorpost/solidity-codegen';

await runCodegen(import.meta.url, {
  /** Pinned together with the `pragma solidity` line; a different solc must be a deliberate change. */
  solcVersion: '0.8.37',
  /** Cancun: supported by Ethereum and the major L2s; newer opcodes buy nothing for this contract. */
  evmVersion: 'cancun',
  /** Tuned for cheap `anchor` calls (run many times), not for deployment (once). */
  optimizerRuns: 10_000,
  targets: [
    {
      source: 'AnchorpostAnchor.sol',
      contract: 'AnchorpostAnchor',
      output: 'anchorpost-anchor.ts',
      exportPrefix: 'anchorpostAnchor',
    },
  ],
});
