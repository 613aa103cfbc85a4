/**
 * What the stand-alone sponsor reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table enumerates it.
 */
import { electionConfigSchema, electionDefaultsSchema } from '@anchorpost/leader-election';
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { sponsorLedgerConfigSchema } from './ledger/sponsor-ledger-config.ts';
import { sponsorConfigSchema } from './sponsor-config.ts';
import { treasuryErgoConfigSchema } from './treasury/treasury-ergo-config.ts';

export const sponsorAdapters = ['database', 'evmRpc'] as const satisfies readonly AdapterName[];

export const sponsorSettings = serviceSettings(
  'sponsor',
  [
    sponsorConfigSchema,
    sponsorLedgerConfigSchema,
    treasuryErgoConfigSchema,
    electionConfigSchema,
    electionDefaultsSchema,
  ],
  sponsorAdapters,
);
