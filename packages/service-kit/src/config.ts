/**
 * The settings schema lives in @anchorpost/config (no framework, so adapters read their settings
 * with it too); services keep importing it from here.
 */
export {
  ConfigError,
  loadConfig,
  redactConfig,
  type ConfigField,
  type ConfigOf,
  type ConfigSchema,
} from '@anchorpost/config';
