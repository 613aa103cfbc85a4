/**
 * Settings come from the environment (`ANCHORPOST_*`), are checked once at start-up, and a bad
 * value stops the process with an error that names the variable. Secrets are never echoed back.
 */
import { ConfigError } from './config-error.ts';
import type { ConfigField, ConfigOf, ConfigSchema } from './fields.ts';
import { parseField } from './parse-field.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks every field; throws the first ConfigError (the variable is in `error.key`). */
export function loadConfig<S extends ConfigSchema>(schema: S, env: Env = process.env): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    const raw = env[field.env]?.trim();
    const value = raw === undefined || raw === '' ? undefined : parseField(field, raw);
    // An empty list is as good as unset.
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      config[name] = value;
    } else if (field.default !== undefined) {
      config[name] = field.default;
    } else if (field.optional) {
      config[name] = undefined;
    } else {
      throw new ConfigError(field.env, 'is required');
    }
  }
  return Object.freeze(config) as ConfigOf<S>;
}

/** The config as it may be logged: every secret field replaced by `(secret)`. */
export function redactConfig<S extends ConfigSchema>(
  schema: S,
  config: ConfigOf<S>,
): Record<keyof S, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    const value = (config as Record<string, unknown>)[name];
    shown[name] = field.secret && value !== undefined ? '(secret)' : value;
  }
  return shown as Record<keyof S, unknown>;
}

/** Whether the field's variable is set (non-blank): e.g. "is Ergo configured at all". */
export function isSet(field: ConfigField, env: Env = process.env): boolean {
  return (env[field.env]?.trim() ?? '') !== '';
}
