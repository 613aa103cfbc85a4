/**
 * Reads one untrusted YAML document into plain data, refusing every YAML feature that can make a
 * small file expensive or ambiguous.
 *
 * Three stages, each bounded by the one before:
 * 1. Tokens. The lexer's tokens are inspected one at a time, before the parser sees them:
 *    anchors, aliases, tags, directives and merge keys are refused, flow nesting is counted, and a
 *    lower bound on the node count is kept. After each token the parser's open-collection stack
 *    is checked, so block nesting (`- - - - …`) is refused while it is being built — the yaml
 *    parser and composer recurse per level and would exhaust the stack on deep input.
 * 2. Composition with the FAILSAFE schema: every scalar is a string, nothing is coerced
 *    (`no`, `1e5`, `0x10`, `~`, `.inf` stay text) and nothing is expanded (merge keys off, no
 *    aliases left to resolve). Syntax errors are reported with line:column.
 * 3. Conversion to plain values: exact depth and node counts, duplicate keys (named by path),
 *    keys that are not scalars. Mappings become null-prototype objects, so a `__proto__` key is
 *    just a key.
 *
 * Token-level errors concern the whole input (field '-') and give line:column in the message.
 */
import { CST, Composer, Lexer, Parser, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { TxFileLimits } from './limits.ts';
import { fieldPath, itemPath } from './validate.ts';

/** Markers the lexer inserts that are not part of the source text. */
const DOC_MODE = '\x02';
const FLOW_END = '\x18';
const SCALAR = '\x1f';

/**
 * Work is proportional to tokens, not nodes: a megabyte of `#\n` is a million tokens and no node.
 * A real file needs about 3 tokens per node (key, `:`, space, value, newline, indentation per pair).
 */
const TOKENS_PER_NODE = 8;

const COMPOSER_OPTIONS = {
  schema: 'failsafe',
  merge: false,
  uniqueKeys: false,
  strict: true,
  version: '1.2',
  intAsBigInt: false,
  keepSourceTokens: false,
  logLevel: 'silent',
} as const;

/**
 * Returns the document's content as plain data (strings, arrays, null-prototype objects; an empty
 * value inside is ''), or null when the input holds no content at all.
 */
export function parseSafeYaml(text: string, limits: TxFileLimits): unknown {
  const tokens = guardedParse(text, limits);
  const documents = [...new Composer(COMPOSER_OPTIONS).compose(tokens, true, text.length)];
  if (documents.length > 1) throw multipleDocuments();
  const document = documents[0];
  if (document === undefined) return null;
  const error = document.errors[0];
  if (error !== undefined) {
    const message = error.message.replace(/\s+/g, ' ').slice(0, 200);
    throw new ProtocolError(
      ErrorCode.YamlSyntax,
      '-',
      `YAML syntax error at ${position(text, error.pos[0])}: ${message}`,
    );
  }
  if (document.contents === null) return null;
  return toPlain(document.contents, limits);
}

/** Stage 1: lex, inspect and parse to CST tokens; see the module comment. */
function guardedParse(text: string, limits: TxFileLimits): CST.Token[] {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let documents = 0;
  let offset = 0;
  let flowLevel = 0;
  /** Scalars and flow collections: each is a distinct node. */
  let valueNodes = 0;
  /** `-`, `?` and `:` indicators: each opens a distinct item, key or value slot. */
  let slots = 0;
  /** All source tokens, comments, blank lines and indentation included. */
  let sourceTokens = 0;
  const maxSourceTokens = limits.maxNodes * TOKENS_PER_NODE;
  let atScalar = false;
  let afterMergeKey = false;

  const fail = (code: ErrorCode, what: string, at: number): ProtocolError =>
    new ProtocolError(code, '-', `${what} at ${position(text, at)}; not allowed in a transaction-file`);

  for (const source of new Lexer().lex(text)) {
    const at = offset;
    if (source === SCALAR) {
      atScalar = true;
    } else if (source !== DOC_MODE && source !== FLOW_END) {
      offset += source.length;
      if (++sourceTokens > maxSourceTokens) {
        throw new ProtocolError(
          ErrorCode.TooManyNodes,
          '-',
          `more than ${maxSourceTokens} YAML tokens (${TOKENS_PER_NODE} per allowed node; comments, blank lines and indentation count) at ${position(text, at)}`,
        );
      }
      if (atScalar) {
        // A plain or block scalar's text: never classified by its first character.
        atScalar = false;
        valueNodes++;
        afterMergeKey = source === '<<';
      } else {
        const type = CST.tokenType(source);
        switch (type) {
          case 'anchor':
            throw fail(ErrorCode.YamlAnchor, `YAML anchor ${clip(source)}`, at);
          case 'alias':
            throw fail(ErrorCode.YamlAlias, `YAML alias ${clip(source)}`, at);
          case 'tag':
            throw fail(ErrorCode.YamlTag, `YAML tag ${clip(source)}`, at);
          case 'directive-line':
            throw fail(ErrorCode.YamlDirective, `YAML directive ${clip(source)}`, at);
          case 'flow-map-start':
          case 'flow-seq-start':
            valueNodes++;
            if (++flowLevel > limits.maxDepth) {
              throw new ProtocolError(
                ErrorCode.TooDeep,
                '-',
                `nesting deeper than ${limits.maxDepth} at ${position(text, at)}`,
              );
            }
            break;
          case 'flow-map-end':
          case 'flow-seq-end':
            if (flowLevel > 0) flowLevel--;
            break;
          case 'single-quoted-scalar':
          case 'double-quoted-scalar':
            valueNodes++;
            break;
          case 'map-value-ind':
            if (afterMergeKey) throw fail(ErrorCode.YamlMergeKey, 'YAML merge key <<', at);
            slots++;
            break;
          case 'seq-item-ind':
          case 'explicit-key-ind':
            slots++;
            break;
          default:
            break;
        }
        if (type !== 'space') afterMergeKey = false;
      }
      if (valueNodes > limits.maxNodes || slots > limits.maxNodes) {
        throw new ProtocolError(
          ErrorCode.TooManyNodes,
          '-',
          `more than ${limits.maxNodes} YAML nodes (at ${position(text, at)})`,
        );
      }
    }
    for (const token of parser.next(source)) {
      if (token.type === 'document' && ++documents > 1) throw multipleDocuments();
      tokens.push(token);
    }
    if (parser.stack.length > limits.maxDepth && openCollections(parser.stack) > limits.maxDepth + 1) {
      throw new ProtocolError(
        ErrorCode.TooDeep,
        '-',
        `nesting deeper than ${limits.maxDepth} at ${position(text, at)}`,
      );
    }
  }
  for (const token of parser.end()) {
    if (token.type === 'document' && ++documents > 1) throw multipleDocuments();
    tokens.push(token);
  }
  return tokens;
}

function openCollections(stack: readonly CST.Token[]): number {
  let count = 0;
  for (const token of stack) {
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') count++;
  }
  return count;
}

/** Stage 3: exact limits, duplicate keys and key types, while building plain values. */
function toPlain(root: ParsedNode | null, limits: TxFileLimits): unknown {
  let nodes = 0;
  const count = (): void => {
    if (++nodes > limits.maxNodes)
      throw new ProtocolError(ErrorCode.TooManyNodes, '-', `more than ${limits.maxNodes} YAML nodes`);
  };
  const tooDeep = (path: string): ProtocolError =>
    new ProtocolError(
      ErrorCode.TooDeep,
      '-',
      `nesting deeper than ${limits.maxDepth} at ${path === '' ? 'the root' : path}`,
    );

  // Depth is bounded by maxDepth (≤ 256) here, so plain recursion is safe.
  const visit = (node: ParsedNode | null, path: string, depth: number): unknown => {
    count();
    if (node === null) return '';
    if (isScalar(node)) return scalarText(node.value);
    if (isMap(node)) {
      if (depth + 1 > limits.maxDepth) throw tooDeep(path);
      const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const seen = new Set<string>();
      for (const pair of node.items) {
        count();
        // Typed non-null, but the composer's contract is not ours to trust with untrusted input.
        const keyNode = pair.key as ParsedNode | null;
        let key: string;
        if (keyNode === null) {
          key = '';
        } else if (isScalar(keyNode)) {
          key = scalarText(keyNode.value);
          if (key === '<<' && keyNode.type === 'PLAIN') {
            throw new ProtocolError(
              ErrorCode.YamlMergeKey,
              fieldPath(path, key),
              'YAML merge key << is not allowed',
            );
          }
        } else if (isAlias(keyNode)) {
          throw new ProtocolError(ErrorCode.YamlAlias, path === '' ? '-' : path, 'YAML alias is not allowed');
        } else {
          throw new ProtocolError(
            ErrorCode.WrongType,
            path === '' ? '-' : path,
            'mapping keys must be scalars',
          );
        }
        const childPath = fieldPath(path, key);
        if (seen.has(key))
          throw new ProtocolError(ErrorCode.YamlDuplicateKey, childPath, 'duplicate mapping key');
        seen.add(key);
        // The key was counted above; visit() counts the value.
        result[key] = visit(pair.value, childPath, depth + 1);
      }
      return result;
    }
    if (isSeq(node)) {
      if (depth + 1 > limits.maxDepth) throw tooDeep(path);
      const result: unknown[] = [];
      node.items.forEach((item, index) => {
        result.push(visit(item, itemPath(path, index), depth + 1));
      });
      return result;
    }
    if (isAlias(node))
      throw new ProtocolError(ErrorCode.YamlAlias, path === '' ? '-' : path, 'YAML alias is not allowed');
    throw new ProtocolError(ErrorCode.YamlSyntax, path === '' ? '-' : path, 'unsupported YAML node');
  };
  return visit(root, '', 0);
}

/** Under the FAILSAFE schema every scalar value is a string; anything else is a bug upstream. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  throw new ProtocolError(ErrorCode.YamlSyntax, '-', `unexpected non-string scalar (${typeof value})`);
}

function multipleDocuments(): ProtocolError {
  return new ProtocolError(
    ErrorCode.YamlMultipleDocuments,
    '-',
    'more than one YAML document; a transaction-file is exactly one',
  );
}

function clip(source: string): string {
  return JSON.stringify(source.length > 32 ? `${source.slice(0, 32)}…` : source);
}

/** 1-based `line:column` of a UTF-16 offset (lines end at LF; a lone CR never reaches here). */
export function position(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}
