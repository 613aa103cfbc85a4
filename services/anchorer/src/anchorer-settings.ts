/**
 * What the stand-alone anchorer reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table, the chart test and the cluster harness test enumerate it.
 */
import { electionConfigSchema, electionDefaultsSchema } from '@anchorpost/leader-election';
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { anchorerConfigSchema } from './anchorer-config.ts';

export const anchorerAdapters = [
  'bus',
  'database',
  'evm',
  'signer',
  'ergo',
  'ergoKey',
] as const satisfies readonly AdapterName[];

export const anchorerSettings = serviceSettings(
  'anchorer',
  [anchorerConfigSchema, electionConfigSchema, electionDefaultsSchema],
  anchorerAdapters,
);
