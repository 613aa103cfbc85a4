/**
 * Which settings each stand-alone service reads, as data: its own schemas plus those of the
 * adapters it needs. The docs' settings table, the chart test and the cluster harness test
 * enumerate these, so none of them keeps a list of variables of its own.
 */
import { fileLogBusConfigSchema, kafkaBusConfigSchema } from '@anchorpost/bus';
import {
  ergoChainConfigSchema,
  ergoNodeConfigSchema,
  evmChainConfigSchema,
  evmRpcConfigSchema,
} from '@anchorpost/chains';
import type { ConfigField, ConfigSchema } from '@anchorpost/config';
import { databaseConfigSchema } from '@anchorpost/db';
import { loggerConfigSchema } from '@anchorpost/service-kit';
import { dataConfigSchema, type AdapterName } from './adapter-config.ts';
import { ergoKeyConfigSchema } from './ergo-mnemonic-file.ts';
import { signerKeyConfigSchema } from './signer-key-file.ts';
import { storageConfigSchema } from '@anchorpost/storage/settings';

export interface ServiceSettings {
  readonly service: string;
  /** Read whatever the environment says: their required variables must be given. */
  readonly always: readonly ConfigSchema[];
  /** Read in some setups only (Kafka or the file log; Ergo when its node is set). */
  readonly sometimes: readonly ConfigSchema[];
}

const ADAPTER_SCHEMAS: Readonly<Record<AdapterName, Pick<ServiceSettings, 'always' | 'sometimes'>>> = {
  bus: { always: [dataConfigSchema], sometimes: [kafkaBusConfigSchema, fileLogBusConfigSchema] },
  storage: { always: [dataConfigSchema, storageConfigSchema], sometimes: [] },
  database: { always: [databaseConfigSchema], sometimes: [] },
  evm: { always: [evmChainConfigSchema], sometimes: [] },
  evmRpc: { always: [evmRpcConfigSchema], sometimes: [] },
  signer: { always: [signerKeyConfigSchema], sometimes: [] },
  ergo: { always: [], sometimes: [ergoChainConfigSchema] },
  ergoNode: { always: [], sometimes: [ergoNodeConfigSchema] },
  ergoKey: { always: [], sometimes: [ergoKeyConfigSchema] },
};

export function serviceSettings(
  service: string,
  own: readonly ConfigSchema[],
  needs: readonly AdapterName[],
): ServiceSettings {
  return {
    service,
    always: [loggerConfigSchema, ...own, ...needs.flatMap((need) => ADAPTER_SCHEMAS[need].always)],
    sometimes: needs.flatMap((need) => ADAPTER_SCHEMAS[need].sometimes),
  };
}

/** Every field the service may read, by variable (a variable two schemas share appears once). */
export function settingsFields(settings: ServiceSettings): Map<string, ConfigField> {
  const fields = new Map<string, ConfigField>();
  for (const schema of [...settings.always, ...settings.sometimes]) {
    for (const field of Object.values(schema)) if (!fields.has(field.env)) fields.set(field.env, field);
  }
  return fields;
}

/** The variables the service cannot start without, in any setup. */
export function requiredVariables(settings: ServiceSettings): string[] {
  return settings.always
    .flatMap((schema) => Object.values(schema))
    .filter((field) => field.default === undefined && !field.optional)
    .map((field) => field.env);
}
