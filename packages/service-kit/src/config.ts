/**
 * Service configuration comes from the environment (`ANCHORPOST_*`), is validated once at start-up,
 * and a bad value stops the process with an error that names the variable. Secrets are never
 * echoed back in errors.
 */
import { AnchorpostError } from '@anchorpost/protocol';

export class ConfigError extends AnchorpostError<'BAD_CONFIG'> {
  override readonly name = 'ConfigError';
  /** The environment variable at fault. */
  readonly key: string;
  constructor(key: string, message: string) {
    super('BAD_CONFIG', 'internal', `${key}: ${message}`, false);
    this.key = key;
  }
}

interface FieldBase {
  env: string;
  /** Never print the value (API keys, private keys, passwords). */
  secret?: boolean;
}
export interface StringField extends FieldBase {
  kind: 'string';
  default?: string;
  pattern?: RegExp;
}
export interface IntField extends FieldBase {
  kind: 'int';
  default?: number;
  min?: number;
  max?: number;
}
export interface UrlField extends FieldBase {
  kind: 'url';
  default?: string;
  protocols?: readonly string[];
}
export interface EnumField<V extends string = string> extends FieldBase {
  kind: 'enum';
  values: readonly V[];
  default?: V;
}
/** Milliseconds, written as `500ms`, `60s`, `5m`, `1h` or a bare number of milliseconds. */
export interface DurationField extends FieldBase {
  kind: 'duration';
  default?: number;
}
export interface BoolField extends FieldBase {
  kind: 'bool';
  default?: boolean;
}

export type ConfigField = StringField | IntField | UrlField | EnumField | DurationField | BoolField;
export type ConfigSchema = Record<string, ConfigField>;

type ValueOf<F extends ConfigField> =
  F extends EnumField<infer V>
    ? V
    : F extends IntField | DurationField
      ? number
      : F extends BoolField
        ? boolean
        : string;

/** A field without a default is required. */
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: ValueOf<S[K]> };

const DURATION = /^(\d{1,12})(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseField(field: ConfigField, raw: string): string | number | boolean {
  const shown = field.secret ? '(secret value)' : JSON.stringify(raw);
  const fail = (why: string): never => {
    throw new ConfigError(field.env, `${why}, got ${shown}`);
  };
  switch (field.kind) {
    case 'string':
      if (field.pattern && !field.pattern.test(raw)) fail(`must match ${String(field.pattern)}`);
      return raw;
    case 'int': {
      if (!/^-?\d{1,15}$/.test(raw)) fail('must be an integer');
      const value = Number(raw);
      if (field.min !== undefined && value < field.min) fail(`must be at least ${field.min}`);
      if (field.max !== undefined && value > field.max) fail(`must be at most ${field.max}`);
      return value;
    }
    case 'url': {
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {
        fail('must be a URL');
      }
      const protocols = field.protocols ?? ['http:', 'https:'];
      if (!protocols.includes(url!.protocol)) fail(`must use ${protocols.join(' or ')}`);
      return raw;
    }
    case 'enum':
      if (!field.values.includes(raw)) fail(`must be one of ${field.values.join(', ')}`);
      return raw;
    case 'duration': {
      const match = DURATION.exec(raw);
      if (!match) fail('must be a duration such as 500ms, 60s, 5m or 1h');
      return Number(match![1]) * UNIT_MS[match![2] ?? 'ms']!;
    }
    case 'bool':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail('must be true or false');
  }
}

/** Reads and checks every field; throws the first ConfigError (the key is in `error.key`). */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    const raw = env[field.env];
    if (raw === undefined || raw === '') {
      if (field.default === undefined) throw new ConfigError(field.env, 'is required');
      config[name] = field.default;
      continue;
    }
    config[name] = parseField(field, raw.trim());
  }
  return Object.freeze(config) as ConfigOf<S>;
}
