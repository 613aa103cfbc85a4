/**
 * @anchorpost/config — the one way Anchorpost reads settings: a declarative schema per package
 * or service, `loadConfig(schema, env)` at start-up, ConfigError naming the variable, secrets
 * never echoed. No framework, so every package that reads settings can depend on it.
 */
export { ConfigError } from './config-error.ts';
export { isSet, loadConfig, redactConfig } from './load-config.ts';
export { acceptedValues, defaultValue } from './describe-field.ts';
export type {
  AmountField,
  BoolField,
  ConfigField,
  ConfigOf,
  ConfigSchema,
  DurationField,
  EnumField,
  HexField,
  IntField,
  ListField,
  StringField,
  UrlField,
} from './fields.ts';
