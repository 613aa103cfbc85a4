/**
 * What the stand-alone updater reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table enumerates it.
 */
import { evmRpcConfigSchema } from '@anchorpost/chains';
import { electionConfigSchema, electionDefaultsSchema } from '@anchorpost/leader-election';
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { updaterConfigSchema } from './updater-config.ts';

export const updaterAdapters = ['database', 'storage'] as const satisfies readonly AdapterName[];

export const updaterSettings = serviceSettings(
  'updater',
  [updaterConfigSchema, evmRpcConfigSchema, electionConfigSchema, electionDefaultsSchema],
  updaterAdapters,
);
