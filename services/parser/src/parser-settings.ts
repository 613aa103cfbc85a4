/**
 * What the stand-alone parser reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table, the chart test and the cluster harness test enumerate it.
 */
import { electionConfigSchema, electionDefaultsSchema } from '@anchorpost/leader-election';
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { parserConfigSchema } from './parser-config.ts';

export const parserAdapters = [
  'database',
  'storage',
  'evm',
  'ergo',
] as const satisfies readonly AdapterName[];

export const parserSettings = serviceSettings(
  'parser',
  [parserConfigSchema, electionConfigSchema, electionDefaultsSchema],
  parserAdapters,
);
