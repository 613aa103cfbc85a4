/**
 * @anchorpost/sponsor-service/testing — the sponsor's settings for tests and benches that start it
 * in process on a local chain (anvil): ports the OS picks, one confirmation, passes every 100 ms, no
 * treasury, and policies and signers given in code rather than read from files. Override what a
 * test is about.
 */
import type { SponsorConfig } from './sponsor-config.ts';

export function sponsorConfigForTests(
  forwarder: string,
  overrides: Partial<SponsorConfig> = {},
): SponsorConfig {
  return {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    managementHost: '127.0.0.1',
    managementPort: 0,
    readinessInterval: 5_000,
    forwarder,
    policyFile: 'unused: policies given',
    keyFile: 'unused: signer given',
    confirmations: 1,
    finalityDepth: 3,
    replaceAfter: 60_000,
    sendMarginSeconds: 60,
    ballotTtlSeconds: 3_600,
    sendInterval: 100,
    maxSendBackoff: 1_000,
    treasuryKeyFile: undefined,
    treasuryMinimum: 0n,
    treasuryDailyCap: 0n,
    treasuryAccounts: [],
    treasuryInterval: 60_000,
    ...overrides,
  };
}
