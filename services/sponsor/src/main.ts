#!/usr/bin/env node
/**
 * `anchorpost-sponsor` (`npm run start:sponsor`): the sponsor alone in its own process, configured
 * by the environment alone: the database of @anchorpost/runtime (where the relay's tenants and API
 * keys are too), the chain's RPC (`ANCHORPOST_EVM_RPC_URLS`, `ANCHORPOST_EVM_CHAIN_ID`), its own
 * settings (`ANCHORPOST_SPONSOR_*`: the forwarder, the policy file, the shared account's key
 * file). Replicas elect one writer per sponsor account with ANCHORPOST_LEADER_ELECTION.
 */
import { electionConfigFromEnv } from '@anchorpost/leader-election';
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { accountElections } from './account-elections.ts';
import { sponsorLedgerConfigSchema } from './ledger/sponsor-ledger-config.ts';
import { PostgresTenantReads } from './postgres-tenant-reads.ts';
import { sponsorConfigSchema } from './sponsor-config.ts';
import { readSponsorKeyFile } from './sponsor-key-file.ts';
import { readSponsorPolicies } from './sponsor-policy-file.ts';
import { startSponsorService } from './sponsor-service.ts';
import { sponsorAdapters } from './sponsor-settings.ts';
import { treasuryKeysFromSettings } from './treasury/treasury-keys.ts';

await runServiceMain({
  service: 'sponsor',
  needs: sponsorAdapters,
  config: (env) => {
    const sponsor = loadConfig(sponsorConfigSchema, env);
    const policies = readSponsorPolicies(sponsor.policyFile);
    return {
      sponsor,
      ledger: loadConfig(sponsorLedgerConfigSchema, env),
      policies,
      sharedSigner: readSponsorKeyFile(sponsor.keyFile, sponsorConfigSchema.keyFile.env),
      tenantSigners: new Map(
        [...policies.accountKeyFiles].map(([tenant, path]) => [
          tenant,
          readSponsorKeyFile(path, `${sponsorConfigSchema.policyFile.env} tenants.${tenant}.accountKeyFile`),
        ]),
      ),
      treasury: treasuryKeysFromSettings(sponsor, env),
      election: electionConfigFromEnv(env, 'sponsor'),
    };
  },
  start: ({
    config: { sponsor, ledger, policies, sharedSigner, tenantSigners, treasury, election },
    adapters,
    logger,
  }) =>
    startSponsorService({
      config: sponsor,
      database: adapters.database,
      rpc: adapters.evmRpc,
      policies,
      sharedSigner,
      tenantSigners,
      ...treasury,
      tenants: new PostgresTenantReads(adapters.database.prisma),
      ledger: { config: ledger },
      electionFor: accountElections(election),
      logger,
      handleSignals: false,
    }),
});
