/**
 * The canonical text of a transaction-file. One TxFile has exactly one canonical form:
 * UTF-8, LF line ends, a trailing newline, 2-space block style, root `transaction:`, keys in the
 * order of schema.ts (input key order is irrelevant), optional fields only when present, every
 * string single-quoted (so hex or base64 can never be read as a number or boolean), integers
 * plain, and the "single or plural" fields always as block lists (`- ` items, indented under
 * their key).
 *
 *   transaction:
 *     version: '0.2'
 *     ...
 *     blockchain:
 *       lastblock:
 *         height: 1200
 *     ...
 *     sender:
 *       - ciphertext: '…'
 *         sha512hash: '…'
 *
 * The format is a contract: canonicalSigningBytes and canonicalDigestBytes (and so every state
 * hash and signature ever made) depend on these exact bytes. Do not change it without a new
 * `version`.
 */
import { utf8 } from '../bytes.ts';
import type { SealedField, TxFile, VotingOption } from './schema.ts';
import { validateTxFile, validateTxFileForDigest, validateTxFileForSigning } from './validate.ts';

/** Validates `tx` (throws ProtocolError like parseTxFile) and returns its canonical YAML bytes. */
export function serializeTxFile(tx: TxFile): Uint8Array {
  return emit(validateTxFile({ transaction: tx }));
}

/**
 * The bytes that the state hash covers (and, through it, a v0.1 file's signatures): the canonical
 * serialization of `tx` with `state.after`, `client.signature` and every `sender[i].signature`
 * replaced by '' (their values in `tx` are ignored and may be missing). Everything else is
 * validated as in serializeTxFile.
 *
 * STABILITY: every `state.after` ever made depends on these exact bytes; any change to this
 * function or to the canonical form breaks verification of existing files.
 */
export function canonicalSigningBytes(tx: TxFile): Uint8Array {
  return emit(validateTxFileForSigning({ transaction: tx }));
}

/**
 * The bytes whose SHA-512 a v0.2 signature covers (signature.ts): the canonical serialization of
 * `tx` with `client.signature` and every `sender[i].signature` replaced by '', and `state.after`
 * kept, so the signatures bind the chain position too. No secret goes in: anyone with the file can
 * rebuild these bytes.
 *
 * STABILITY: every v0.2 signature depends on these exact bytes.
 */
export function canonicalDigestBytes(tx: TxFile): Uint8Array {
  return emit(validateTxFileForDigest({ transaction: tx }));
}

// ---- a minimal YAML emitter for exactly the shapes a TxFile has -------------------------------

interface YamlMap {
  readonly entries: readonly (readonly [string, YamlValue])[];
}
type YamlValue = string | number | YamlMap | readonly YamlMap[];

const QUOTABLE_RE = /^[\x20-\x7e]*$/;

function emit(tx: TxFile): Uint8Array {
  const lines: string[] = [];
  emitMap(map([['transaction', txMap(tx)]]), 0, lines);
  return utf8(`${lines.join('\n')}\n`);
}

function map(entries: readonly (readonly [string, YamlValue] | undefined)[]): YamlMap {
  return { entries: entries.filter((entry) => entry !== undefined) };
}

function sealed(field: SealedField): YamlMap {
  return map([
    ['ciphertext', field.ciphertext],
    ['sha512hash', field.sha512hash],
  ]);
}

function option(item: VotingOption): YamlMap {
  return map([['title', sealed(item.title)], item.description && ['description', sealed(item.description)]]);
}

function txMap(tx: TxFile): YamlMap {
  const { message, voting, vote, blockchain } = tx;
  return map([
    ['version', tx.version],
    ['suite', tx.suite],
    ['key', tx.key],
    [
      'client',
      map([
        ['id', tx.client.id],
        ['sha512hash', tx.client.sha512hash],
        ['signature', tx.client.signature],
      ]),
    ],
    ['recipient', sealed(tx.recipient)],
    [
      'message',
      map([
        message.header && ['header', sealed(message.header)],
        ['data', sealed(message.data)],
        message.regarding && [
          'regarding',
          map([
            message.regarding.headerhash === undefined
              ? undefined
              : ['headerhash', message.regarding.headerhash],
            ['datahash', message.regarding.datahash],
          ]),
        ],
        message.forwarded && [
          'forwarded',
          map([
            message.forwarded.headerhash === undefined
              ? undefined
              : ['headerhash', message.forwarded.headerhash],
            ['datahash', message.forwarded.datahash],
          ]),
        ],
        message.attachment && ['attachment', message.attachment.map(sealed)],
      ]),
    ],
    voting && [
      'voting',
      map([
        ['secret', sealed(voting.secret)],
        ['lastblock', voting.lastblock],
        ['option', voting.option.map(option)],
      ]),
    ],
    vote && [
      'vote',
      map([
        ['voting', vote.voting],
        ['option', vote.option],
        ['voter', vote.voter],
        ['signature', vote.signature],
      ]),
    ],
    [
      'blockchain',
      map([
        [
          'lastblock',
          map([
            ['height', blockchain.lastblock.height],
            ['signature', blockchain.lastblock.signature],
          ]),
        ],
        [
          'trustedblock',
          map([
            ['height', blockchain.trustedblock.height],
            ['signature', blockchain.trustedblock.signature],
          ]),
        ],
      ]),
    ],
    [
      'state',
      map([
        ['before', tx.state.before],
        ['after', tx.state.after],
      ]),
    ],
    [
      'sender',
      tx.sender.map((sender) =>
        map([
          ['ciphertext', sender.ciphertext],
          ['sha512hash', sender.sha512hash],
          ['signature', sender.signature],
        ]),
      ),
    ],
  ]);
}

function scalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // Validated values are hex, base64, suite names and the version; anything else is a bug.
  if (!QUOTABLE_RE.test(value)) throw new Error('canonical YAML: string outside printable ASCII');
  return `'${value.replaceAll("'", "''")}'`;
}

function emitMap(node: YamlMap, indent: number, lines: string[]): void {
  if (node.entries.length === 0) throw new Error('canonical YAML: empty mapping');
  const pad = ' '.repeat(indent);
  for (const [key, value] of node.entries) {
    if (typeof value === 'string' || typeof value === 'number') {
      lines.push(`${pad}${key}: ${scalar(value)}`);
    } else if (isList(value)) {
      lines.push(`${pad}${key}:`);
      emitList(value, indent + 2, lines);
    } else {
      lines.push(`${pad}${key}:`);
      emitMap(value, indent + 2, lines);
    }
  }
}

/** `- ` at `indent`, the item's mapping at `indent + 2` with its first key on the dash line. */
function emitList(items: readonly YamlMap[], indent: number, lines: string[]): void {
  if (items.length === 0) throw new Error('canonical YAML: empty list');
  const dash = `${' '.repeat(indent)}- `;
  for (const item of items) {
    const first = lines.length;
    emitMap(item, indent + 2, lines);
    lines[first] = dash + (lines[first] ?? '').slice(indent + 2);
  }
}

function isList(value: YamlMap | readonly YamlMap[]): value is readonly YamlMap[] {
  return Array.isArray(value);
}
