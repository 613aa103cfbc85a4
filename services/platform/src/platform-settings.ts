/**
 * What `npm start` reads, as data, for the generated settings table: its own settings and every
 * service's. The EVM settings but the local chain's own facts, and Ergo when its node is set.
 */
import { anchorerConfigSchema } from '@anchorpost/anchorer-service';
import { batcherConfigSchema } from '@anchorpost/batcher-service';
import { ergoChainConfigSchema, evmChainConfigSchema } from '@anchorpost/chains';
import { parserConfigSchema } from '@anchorpost/parser-service';
import { proofApiConfigSchema } from '@anchorpost/proof-api-service';
import { relayConfigSchema } from '@anchorpost/relay-service';
import { ergoKeyConfigSchema, type ServiceSettings } from '@anchorpost/runtime';
import { loggerConfigSchema } from '@anchorpost/service-kit';
import { platformConfigSchema } from './platform-config.ts';

export const platformSettings: ServiceSettings = {
  service: 'platform',
  always: [
    loggerConfigSchema,
    platformConfigSchema,
    relayConfigSchema,
    batcherConfigSchema,
    anchorerConfigSchema,
    parserConfigSchema,
    proofApiConfigSchema,
  ],
  sometimes: [evmChainConfigSchema, ergoChainConfigSchema, ergoKeyConfigSchema],
};
