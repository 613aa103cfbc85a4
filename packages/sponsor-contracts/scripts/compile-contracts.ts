/**
 * Codegen: contracts/*.sol (the forwarder and the key registry, built on @openzeppelin/contracts)
 * into src/generated/*.ts, through the shared compile step (@anchorpost/solidity-codegen): any
 * compiler error or warning fails the build.
 */
import { runCodegen } from '@anchorpost/solidity-codegen';

await runCodegen(import.meta.url, {
  /** Pinned together with each `pragma solidity` line, and with release-governance's. */
  solcVersion: '0.8.37',
  /** Cancun: OpenZeppelin 5.x uses its opcodes (mcopy); supported by Ethereum and the major L2s. */
  evmVersion: 'cancun',
  /** High: both contracts run once per sponsored user action, so their calls should be cheap. */
  optimizerRuns: 10_000,
  libraries: ['@openzeppelin/contracts'],
  targets: [
    {
      source: 'AnchorpostForwarder.sol',
      contract: 'AnchorpostForwarder',
      output: 'anchorpost-forwarder.ts',
      exportPrefix: 'anchorpostForwarder',
    },
    {
      source: 'AnchorpostKeyRegistry.sol',
      contract: 'AnchorpostKeyRegistry',
      output: 'anchorpost-key-registry.ts',
      exportPrefix: 'anchorpostKeyRegistry',
    },
  ],
});
