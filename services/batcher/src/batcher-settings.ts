/**
 * What the stand-alone batcher reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table, the chart test and the cluster harness test enumerate it.
 */
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { batcherConfigSchema } from './batcher-config.ts';

export const batcherAdapters = ['bus', 'storage'] as const satisfies readonly AdapterName[];

export const batcherSettings = serviceSettings('batcher', [batcherConfigSchema], batcherAdapters);
