/**
 * The kinds of setting. Each names its environment variable; a field without a default is
 * required unless it is `optional` (then it reads as undefined when unset).
 */
interface FieldBase {
  env: string;
  /** Never print the value (API keys, private keys, passwords, URLs with credentials). */
  secret?: boolean;
  /** Unset reads as undefined instead of failing; for settings whose absence means something. */
  optional?: boolean;
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
  /** Default `http:` and `https:`. */
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
/**
 * A comma-separated list, blanks dropped; an empty list counts as unset. Items are URLs (`of:
 * 'url'`, checked as a url field) or strings matching `pattern`.
 */
export interface ListField extends FieldBase {
  kind: 'list';
  of: 'string' | 'url';
  pattern?: RegExp;
  protocols?: readonly string[];
  default?: readonly string[];
}
/** `bytes` bytes in hex (no `0x`), read case-insensitively, given back in lower case. */
export interface HexField extends FieldBase {
  kind: 'hex';
  bytes: number;
  default?: string;
}
/**
 * A decimal amount with at most `decimals` fraction digits (gwei with 9 for wei, nanoERG with 0),
 * given back in the smallest unit as a bigint.
 */
export interface AmountField extends FieldBase {
  kind: 'amount';
  decimals: number;
  default?: bigint;
}

export type ConfigField =
  | StringField
  | IntField
  | UrlField
  | EnumField
  | DurationField
  | BoolField
  | ListField
  | HexField
  | AmountField;
export type ConfigSchema = Record<string, ConfigField>;

type ValueOf<F extends ConfigField> =
  F extends EnumField<infer V>
    ? V
    : F extends IntField | DurationField
      ? number
      : F extends BoolField
        ? boolean
        : F extends ListField
          ? readonly string[]
          : F extends AmountField
            ? bigint
            : string;

/** A field without a default is required, unless `optional: true` (then it may be undefined). */
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends { optional: true } ? ValueOf<S[K]> | undefined : ValueOf<S[K]>;
};
