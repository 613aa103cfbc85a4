/** A field in words, for the generated settings tables of the docs. */
import type { ConfigField } from './fields.ts';

function range(min: number | undefined, max: number | undefined): string {
  if (min === undefined && max === undefined) return '';
  if (max === undefined) return ` ≥ ${min}`;
  if (min === undefined) return ` ≤ ${max}`;
  return ` ${min}…${max}`;
}

/** What values the field accepts. */
export function acceptedValues(field: ConfigField): string {
  switch (field.kind) {
    case 'string':
      return field.pattern ? `text matching \`${field.pattern.source}\`` : 'text';
    case 'int':
      return `integer${range(field.min, field.max)}`;
    case 'url':
      return `URL (${(field.protocols ?? ['http:', 'https:']).join(' ')})`;
    case 'enum':
      return field.values.map((v) => `\`${v}\``).join(', ');
    case 'duration':
      return 'duration (`500ms`, `60s`, `5m`, `1h`)';
    case 'bool':
      return '`true` or `false`';
    case 'list':
      return field.of === 'url'
        ? 'comma list of URLs'
        : `comma list of \`${field.pattern?.source ?? 'text'}\``;
    case 'hex':
      return `${field.bytes} bytes in hex`;
    case 'amount':
      return field.decimals === 0 ? 'whole number' : `decimal (${field.decimals} places)`;
  }
}

/** The default in words: `required`, `unset`, or the value as it would be written. */
export function defaultValue(field: ConfigField): string {
  const value = field.default;
  if (value === undefined) return field.optional ? 'unset' : 'required';
  if (field.kind === 'duration' && typeof value === 'number') {
    return value % 1000 === 0 ? `\`${value / 1000}s\`` : `\`${value}ms\``;
  }
  if (field.kind === 'amount' && typeof value === 'bigint') {
    const unit = 10n ** BigInt(field.decimals);
    const fraction = (value % unit).toString().padStart(field.decimals, '0').replace(/0+$/, '');
    return `\`${value / unit}${fraction === '' ? '' : `.${fraction}`}\``;
  }
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  return value === '' ? '(empty)' : `\`${String(value)}\``;
}
