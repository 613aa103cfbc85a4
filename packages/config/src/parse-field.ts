/** One value of the environment, checked and typed by its field's kind. */
import { ConfigError } from './config-error.ts';
import type { AmountField, ConfigField, ListField, UrlField } from './fields.ts';

const DURATION = /^(\d{1,12})(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

type Fail = (why: string) => never;

function url(field: UrlField | ListField, raw: string, fail: Fail): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    fail('must be a URL');
  }
  const protocols = field.protocols ?? ['http:', 'https:'];
  if (!protocols.includes(parsed.protocol)) fail(`must use ${protocols.join(' or ')}`);
  return raw;
}

function list(field: ListField, raw: string, fail: Fail): readonly string[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    if (field.of === 'url') url(field, item, (why) => fail(`each item ${why}`));
    else if (field.pattern && !field.pattern.test(item))
      fail(`each item must match ${String(field.pattern)}`);
  }
  return Object.freeze(items);
}

function amount(field: AmountField, raw: string, fail: Fail): bigint {
  const fraction = field.decimals > 0 ? `(\\.\\d{1,${field.decimals}})?` : '';
  if (!new RegExp(`^\\d{1,19}${fraction}$`).test(raw)) {
    fail(
      field.decimals > 0
        ? `must be a decimal number (${field.decimals} places at most)`
        : 'must be a whole number',
    );
  }
  const [whole = '0', part = ''] = raw.split('.');
  return BigInt(whole) * 10n ** BigInt(field.decimals) + BigInt(part.padEnd(field.decimals, '0') || '0');
}

export function parseField(field: ConfigField, raw: string): unknown {
  const shown = field.secret ? '(secret value)' : JSON.stringify(raw);
  const fail: Fail = (why) => {
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
    case 'url':
      return url(field, raw, fail);
    case 'enum':
      if (!field.values.includes(raw)) fail(`must be one of ${field.values.join(', ')}`);
      return raw;
    case 'duration': {
      const match = DURATION.exec(raw);
      if (!match) fail('must be a duration such as 500ms, 60s, 5m or 1h');
      return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
    }
    case 'bool':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail('must be true or false');
    case 'list':
      return list(field, raw, fail);
    case 'hex': {
      const hex = raw.toLowerCase();
      if (!new RegExp(`^[0-9a-f]{${field.bytes * 2}}$`).test(hex))
        fail(`must be ${field.bytes} bytes in hex`);
      return hex;
    }
    case 'amount':
      return amount(field, raw, fail);
  }
}
