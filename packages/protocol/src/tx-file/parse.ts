/**
 * Reading a transaction-file from untrusted bytes. Checks run cheapest-first and each bounds the
 * work of the next: size, UTF-8, characters, YAML safety (safe-yaml.ts), schema (validate.ts).
 * Every failure is a ProtocolError with a stable code and the field it concerns.
 */
import { bytesEqual } from '../bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { resolveTxFileLimits } from './limits.ts';
import type { TxFileLimits } from './limits.ts';
import { parseSafeYaml, position } from './safe-yaml.ts';
import type { TxFile } from './schema.ts';
import { serializeTxFile } from './serialize.ts';
import { validateTxFile } from './validate.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates a transaction-file. Throws ProtocolError, checked in this order:
 * TOO_LARGE; NOT_UTF8; BYTE_ORDER_MARK / FORBIDDEN_CHARACTER; YAML_ANCHOR, YAML_ALIAS, YAML_TAG,
 * YAML_DIRECTIVE, YAML_MERGE_KEY, TOO_DEEP, TOO_MANY_NODES, YAML_MULTIPLE_DOCUMENTS (in the order
 * met in the text); YAML_SYNTAX; YAML_DUPLICATE_KEY (and exact depth/node counts); then the schema
 * (validate.ts), UNKNOWN_VERSION first. Throws TypeError/RangeError only for a caller's mistake
 * (input not a Uint8Array, nonsensical limits).
 */
export function parseTxFile(input: Uint8Array, limits?: Partial<TxFileLimits>): TxFile {
  if (!(input instanceof Uint8Array))
    throw new TypeError('parseTxFile expects the file bytes as a Uint8Array');
  const resolved = resolveTxFileLimits(limits);
  if (input.byteLength > resolved.maxBytes) {
    throw new ProtocolError(
      ErrorCode.TooLarge,
      '-',
      `${input.byteLength} bytes; at most ${resolved.maxBytes} are accepted`,
    );
  }
  const text = decodeUtf8(input);
  checkCharacters(text);
  return validateTxFile(parseSafeYaml(text, resolved));
}

/**
 * parseTxFile, and then the bytes must be exactly the canonical serialization of what they
 * parse to (`serializeTxFile`), else NOT_CANONICAL naming the first line that differs. YAML lets
 * one TxFile be written in endless ways (comments, key order, quoting, whitespace, CRLF), each
 * with its own CID; accepting only the canonical form gives one message exactly one CID.
 */
export function parseCanonicalTxFile(input: Uint8Array, limits?: Partial<TxFileLimits>): TxFile {
  const tx = parseTxFile(input, limits);
  const canonical = serializeTxFile(tx);
  if (!bytesEqual(canonical, input)) {
    throw new ProtocolError(
      ErrorCode.NotCanonical,
      '-',
      `not the canonical serialization of this tx-file: it differs at line ${firstDifferentLine(input, canonical)}`,
    );
  }
  return tx;
}

/** The 1-based line of the first byte where `a` and `b` differ (or where the shorter one ends). */
function firstDifferentLine(a: Uint8Array, b: Uint8Array): number {
  let line = 1;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) {
    if (a[i] === 0x0a) line += 1;
  }
  return line;
}

function decodeUtf8(input: Uint8Array): string {
  try {
    return UTF8.decode(input);
  } catch (cause) {
    throw new ProtocolError(ErrorCode.NotUtf8, '-', 'input is not valid UTF-8', { cause });
  }
}

/**
 * Allows printable text plus tab, LF and CRLF. Refused: a byte-order mark anywhere, and characters
 * YAML parsers treat differently or that have no business in the file — C0 controls, a CR not
 * followed by LF (a line break to some parsers, text to others), DEL, C1 controls including NEL,
 * U+2028/U+2029 (line breaks in YAML 1.1) and the non-characters U+FFFE/U+FFFF.
 */
function checkCharacters(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09) continue;
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue;
    if (c === 0xfeff) {
      throw new ProtocolError(
        ErrorCode.ByteOrderMark,
        '-',
        `byte-order mark U+FEFF at ${position(text, i)}; not allowed`,
      );
    }
    if (
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0xfffe ||
      c === 0xffff
    ) {
      const name = c === 0x0d ? 'carriage return not followed by line feed' : 'character';
      const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new ProtocolError(
        ErrorCode.ForbiddenCharacter,
        '-',
        `forbidden ${name} ${code} at ${position(text, i)}`,
      );
    }
  }
}
