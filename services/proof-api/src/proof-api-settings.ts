/**
 * What the stand-alone proof-api reads, as data: the adapters it runs on and every settings schema
 * (its own and theirs). The docs table, the chart test and the cluster harness test enumerate it.
 */
import { serviceSettings, type AdapterName } from '@anchorpost/runtime';
import { proofApiConfigSchema } from './proof-api-config.ts';

export const proofApiAdapters = ['database', 'evmRpc', 'ergoNode'] as const satisfies readonly AdapterName[];

export const proofApiSettings = serviceSettings('proof-api', [proofApiConfigSchema], proofApiAdapters);
