/**
 * What the stand-alone relay reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table, the chart test and the cluster harness test enumerate it.
 */
import { evmRpcConfigSchema } from '@anchorpost/chains';
import { electionConfigSchema, electionDefaultsSchema } from '@anchorpost/leader-election';
import { serviceSettings, type AdapterName, type ServiceSettings } from '@anchorpost/runtime';
import { relayConfigSchema } from './relay-config.ts';

export const relayAdapters = ['bus', 'storage', 'database'] as const satisfies readonly AdapterName[];

const adapterSettings = serviceSettings(
  'relay',
  [relayConfigSchema, electionConfigSchema, electionDefaultsSchema],
  relayAdapters,
);

/** The chain's RPC settings are read only with ANCHORPOST_RELAY_KEY_REGISTRY set. */
export const relaySettings: ServiceSettings = {
  ...adapterSettings,
  sometimes: [...adapterSettings.sometimes, evmRpcConfigSchema],
};
