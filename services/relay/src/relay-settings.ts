/**
 * What the stand-alone relay reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table, the chart test and the cluster harness test enumerate it.
 */
import { electionConfigSchema, electionDefaultsSchema } from '@anchorpost/leader-election';
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { relayConfigSchema } from './relay-config.ts';

export const relayAdapters = ['bus', 'storage', 'database'] as const satisfies readonly AdapterName[];

export const relaySettings = serviceSettings(
  'relay',
  [relayConfigSchema, electionConfigSchema, electionDefaultsSchema],
  relayAdapters,
);
