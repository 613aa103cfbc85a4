/**
 * One sample of each malformed class a relay must refuse, made from a valid serialized tx-file,
 * with the stable code (and field) the protocol reports (parseCanonicalTxFile, the relay's reader). Transports' tests (gRPC, HTTP, e2e) use
 * the same list so that every class is checked on every path.
 */
export interface MalformedTxFile {
  name: string;
  bytes: Uint8Array;
  code: string;
  /** The field the error names, when the class has a fixed one. */
  field?: string;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** `valid`: a valid tx-file's serialized bytes (the other classes are derived from it). */
export function malformedTxFiles(valid: Uint8Array): MalformedTxFile[] {
  const yaml = new TextDecoder().decode(valid);
  const replaced = (pattern: RegExp, replacement: string): Uint8Array => {
    if (!pattern.test(yaml)) throw new Error(`the valid tx-file has no match for ${String(pattern)}`);
    return text(yaml.replace(pattern, replacement));
  };
  return [
    { name: 'duplicate key', bytes: replaced(/^( {2}suite: .*\n)/m, '$1$1'), code: 'YAML_DUPLICATE_KEY' },
    { name: 'anchor and alias', bytes: text('a: &x [1]\nb: *x\n'), code: 'YAML_ANCHOR' },
    { name: 'custom tag', bytes: text('transaction: !evil {}\n'), code: 'YAML_TAG' },
    { name: 'non-UTF-8', bytes: new Uint8Array([0x74, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), code: 'NOT_UTF8' },
    {
      name: 'unknown version',
      bytes: replaced(/^( {2}version: )'0\.[12]'$/m, "$1'9.9'"),
      code: 'UNKNOWN_VERSION',
      field: 'transaction.version',
    },
    {
      name: 'missing field',
      bytes: replaced(/^ {2}key: .*\n/m, ''),
      code: 'MISSING_FIELD',
      field: 'transaction.key',
    },
    {
      name: 'wrong type',
      bytes: replaced(/^ {2}suite: .*$/m, '  suite: [modern]'),
      code: 'WRONG_TYPE',
      field: 'transaction.suite',
    },
    // Valid files, but not in canonical form: the same message under another CID.
    {
      name: 'appended comment',
      bytes: text(`${yaml}# the same message, another CID\n`),
      code: 'NOT_CANONICAL',
      field: '-',
    },
    {
      name: 'reordered keys and extra whitespace',
      bytes: replaced(/^( {2}version: .*\n)( {2}suite: .*)\n/m, '$2  \n$1'),
      code: 'NOT_CANONICAL',
      field: '-',
    },
    {
      name: 'depth bomb',
      bytes: text(`${'['.repeat(50_000)}${']'.repeat(50_000)}\n`),
      code: 'TOO_DEEP',
    },
  ];
}
