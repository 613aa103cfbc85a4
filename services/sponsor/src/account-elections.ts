/**
 * One election per sponsor account (ADR 0013: one writer per nonce sequence): the service's
 * election settings with the lease — and, on one machine, the lease file — named after the
 * account, so two accounts never wait on each other's lease.
 */
import { dirname, join } from 'node:path';
import { electionFactory } from '@anchorpost/leader-election';
import type { ElectionConfig, ElectionFactory } from '@anchorpost/leader-election';

export function accountElections(config: ElectionConfig): (account: string) => ElectionFactory | undefined {
  return (account) => {
    const leaseName = `${config.leaseName}-${account.toLowerCase()}`;
    return electionFactory({
      ...config,
      leaseName,
      leaseFile: join(dirname(config.leaseFile), `${leaseName}.json`),
    });
  };
}
