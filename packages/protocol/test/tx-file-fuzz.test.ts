/**
 * Fuzzing parseTxFile with fast-check. Invariants, for every input:
 * - it returns a TxFile (which then round-trips through serializeTxFile) or throws a ProtocolError
 *   with a known code and a field — anything else (TypeError, RangeError, a hang) fails;
 * - each call uses under PER_CASE_MS of CPU time: a hang detector, as a fuzzer's per-case timeout
 *   is, in CPU rather than wall time so that a busy machine does not trip it (the parser is
 *   synchronous: a hang burns CPU); its speed is measured in `npm run bench`, not here. The time
 *   is this thread's alone (V8's concurrent GC and compiler threads are not counted), and a case
 *   over the limit is run twice more and judged on its cheapest run: a hang or a quadratic path
 *   is slow every time, a major GC or a cold cache once;
 * - the heap does not grow beyond HEAP_GROWTH_MIB after the run.
 *
 * ANCHORPOST_FUZZ_RUNS sets the total number of cases (default 10,000, split over the
 * generators below); ANCHORPOST_FUZZ_SEED replays a run (the seed is printed);
 * ANCHORPOST_FUZZ_CASE_MS relaxes the per-case bound on a very slow machine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { bytesEqual } from '../src/bytes.ts';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import { parseTxFile } from '../src/tx-file/parse.ts';
import { serializeTxFile } from '../src/tx-file/serialize.ts';
import { shuffleKeys, txFile } from './fixtures/tx-file/arbitrary.ts';

const TOTAL_RUNS = positiveInteger(process.env.ANCHORPOST_FUZZ_RUNS, 10_000);
const SEED = positiveInteger(process.env.ANCHORPOST_FUZZ_SEED, 20_250_611);
/** Per call; the costliest accepted shape (10,000 nodes) takes ~100 ms cold on a laptop. */
const PER_CASE_MS = positiveInteger(process.env.ANCHORPOST_FUZZ_CASE_MS, 250);
const HEAP_GROWTH_MIB = 48;

const SHARES = { bytes: 0.15, unicode: 0.2, mutations: 0.25, trees: 0.25, valid: 0.15 } as const;
const runsFor = (share: number): number => Math.max(1, Math.round(TOTAL_RUNS * share));

console.log(`tx-file fuzz: seed=${SEED} runs=${TOTAL_RUNS} (ANCHORPOST_FUZZ_SEED / ANCHORPOST_FUZZ_RUNS)`);

function positiveInteger(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${text}`);
  return n;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const encoder = new TextEncoder();
const FIXTURES = new URL('./fixtures/tx-file/', import.meta.url);
const FULL = new Uint8Array(readFileSync(new URL('valid-full.yaml.txt', FIXTURES)));
const MINIMAL = new Uint8Array(readFileSync(new URL('valid-minimal.yaml.txt', FIXTURES)));

const stats = {
  cases: 0,
  accepted: 0,
  slowestMs: 0,
  started: performance.now(),
  codes: new Map<string, number>(),
};

/** Runs one input through the parser and checks the invariants; returns the outcome. */
function probe(input: Uint8Array): 'ok' | ErrorCode {
  const first = parseOnce(input);
  const outcome = first.outcome;
  let cpuMs = first.cpuMs;
  for (let retry = 0; retry < 2 && cpuMs >= PER_CASE_MS; retry++) {
    cpuMs = Math.min(cpuMs, parseOnce(input).cpuMs);
  }
  stats.cases++;
  stats.slowestMs = Math.max(stats.slowestMs, cpuMs);
  stats.codes.set(outcome, (stats.codes.get(outcome) ?? 0) + 1);
  if (outcome === 'ok') stats.accepted++;
  assert.ok(cpuMs < PER_CASE_MS, `one case used ${cpuMs.toFixed(0)} ms of CPU (limit ${PER_CASE_MS} ms)`);
  return outcome;
}

/** One parse (and, when accepted, a round trip) with its invariants; the CPU time of this thread. */
function parseOnce(input: Uint8Array): { outcome: 'ok' | ErrorCode; cpuMs: number } {
  const cpuStart = process.threadCpuUsage();
  let outcome: 'ok' | ErrorCode;
  try {
    const tx = parseTxFile(input);
    outcome = 'ok';
    const canonical = serializeTxFile(tx);
    assert.deepEqual(parseTxFile(canonical), tx);
  } catch (error) {
    if (!(error instanceof ProtocolError)) {
      throw new Error(`parseTxFile threw a non-ProtocolError: ${String(error)}`, { cause: error });
    }
    assert.ok(KNOWN_CODES.has(error.code), `unknown code ${error.code}`);
    assert.ok(
      error.field.length > 0 && !/[\n\r]/.test(error.field),
      `bad field ${JSON.stringify(error.field)}`,
    );
    assert.ok(error.message.length > 0 && error.message.length < 2_000, 'message must be short');
    outcome = error.code;
  }
  const cpu = process.threadCpuUsage(cpuStart);
  return { outcome, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function check<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, toInput: (value: T) => Uint8Array): void {
  fc.assert(
    fc.property(arbitrary, (value) => {
      probe(toInput(value));
    }),
    { seed: SEED, numRuns },
  );
}

// ---- mutations of the canonical fixture ------------------------------------------------------

/** Snippets that exercise the refusals when spliced in anywhere. */
const SNIPPETS = [
  '&a ',
  '*a',
  '!!str ',
  '!x ',
  '<<: ',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '[',
  ']',
  '{',
  '}',
  '- ',
  '? ',
  ': ',
  '#',
  '\t',
  "'",
  '"',
  '\\',
  '|',
  '>',
  ',',
  '\r',
  '\r\n',
  '\0',
  '\u0085',
  '\u2028',
  '\ufeff',
  'yes',
  '0x10',
  '1e5',
  '~',
  '.inf',
  '-1',
  '9007199254740993',
  '  ',
  '\n',
  'transaction:',
  'version: ',
  "'0.1'",
  "'0.2'",
  '__proto__: ',
];

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'duplicateLine'; line: number }
  | { op: 'deleteLine'; line: number }
  | { op: 'swapLines'; line: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ unit: 'binary', maxLength: 4 })),
  }),
  fc.record({ op: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('deleteLine' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('swapLines' as const), line: fc.nat(), other: fc.nat() }),
);

function mutate(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let data = base;
  for (const m of mutations) {
    if (m.op === 'flip') {
      if (data.length === 0) continue;
      data = data.slice();
      const at = m.at % data.length;
      data[at] = data[at]! ^ m.mask;
    } else if (m.op === 'delete') {
      const at = data.length === 0 ? 0 : m.at % data.length;
      data = Uint8Array.of(...data.subarray(0, at), ...data.subarray(at + m.length));
    } else if (m.op === 'insert') {
      const at = m.at % (data.length + 1);
      data = Uint8Array.of(...data.subarray(0, at), ...encoder.encode(m.text), ...data.subarray(at));
    } else {
      const lines = splitLines(data);
      if (lines.length === 0) continue;
      const i = m.line % lines.length;
      if (m.op === 'duplicateLine') lines.splice(i, 0, lines[i]!);
      else if (m.op === 'deleteLine') lines.splice(i, 1);
      else {
        const j = m.other % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      data = joinLines(lines);
    }
  }
  return data;
}

function splitLines(data: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) {
      lines.push(data.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

function joinLines(lines: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(lines.reduce((n, line) => n + line.length, 0));
  let at = 0;
  for (const line of lines) {
    out.set(line, at);
    at += line.length;
  }
  return out;
}

// ---- random YAML trees with injected hazards -------------------------------------------------

type YamlTree =
  | { kind: 'scalar'; text: string; style: 'plain' | 'single' | 'double' }
  | { kind: 'alias'; name: string }
  | { kind: 'map'; entries: { key: string; value: YamlTree }[]; flow: boolean; props: string }
  | { kind: 'seq'; items: YamlTree[]; flow: boolean; props: string };

const KEYS = [
  'transaction',
  'version',
  'suite',
  'sender',
  'message',
  'data',
  'a',
  'b',
  '<<',
  '',
  '0.1',
  '0.2',
  'yes',
  '__proto__',
];
const WORDS = [
  '0.1',
  '0.2',
  'modern',
  'yes',
  'no',
  '~',
  'null',
  '0x10',
  '1e5',
  '.inf',
  '-1',
  '007',
  'AAAA',
  'a b',
  '',
  'ab'.repeat(64),
];
const PROPS = ['', '', '', '', '', '', '&a', '&b', '!!str', '!t', '!!map', '&a !!seq'];

const scalarTree: fc.Arbitrary<YamlTree> = fc.record({
  kind: fc.constant('scalar' as const),
  text: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })),
  style: fc.constantFrom('plain' as const, 'single' as const, 'double' as const),
});

const { tree } = fc.letrec<{ tree: YamlTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', maxDepth: 20 },
    scalarTree,
    fc.record({ kind: fc.constant('alias' as const), name: fc.constantFrom('a', 'b', 'zz') }),
    fc.record({
      kind: fc.constant('map' as const),
      entries: fc.array(fc.record({ key: fc.constantFrom(...KEYS), value: tie('tree') }), { maxLength: 5 }),
      flow: fc.boolean(),
      props: fc.constantFrom(...PROPS),
    }),
    fc.record({
      kind: fc.constant('seq' as const),
      items: fc.array(tie('tree'), { maxLength: 5 }),
      flow: fc.boolean(),
      props: fc.constantFrom(...PROPS),
    }),
  ),
}));

function quote(text: string, style: 'plain' | 'single' | 'double'): string {
  if (style === 'single') return `'${text.replaceAll("'", "''")}'`;
  if (style === 'double') return JSON.stringify(text);
  return text;
}

function inline(node: YamlTree): string {
  switch (node.kind) {
    case 'scalar':
      return quote(node.text, node.style);
    case 'alias':
      return `*${node.name}`;
    case 'map':
      return `${prefix(node.props)}{${node.entries.map((e) => `${e.key}: ${inline(e.value)}`).join(', ')}}`;
    case 'seq':
      return `${prefix(node.props)}[${node.items.map(inline).join(', ')}]`;
  }
}

const prefix = (props: string): string => (props === '' ? '' : `${props} `);
const isBlock = (node: YamlTree): boolean =>
  (node.kind === 'map' && !node.flow && node.entries.length > 0) ||
  (node.kind === 'seq' && !node.flow && node.items.length > 0);

function block(node: YamlTree, indent: number): string {
  const pad = ' '.repeat(indent);
  if (node.kind === 'map')
    return node.entries.map((e) => `${pad}${e.key}:${after(e.value, indent + 2)}`).join('');
  if (node.kind === 'seq') return node.items.map((item) => `${pad}-${after(item, indent + 2)}`).join('');
  return `${pad}${inline(node)}\n`;
}

function after(node: YamlTree, indent: number): string {
  if (!isBlock(node)) return ` ${inline(node)}\n`;
  const props = node.kind === 'map' || node.kind === 'seq' ? node.props : '';
  return `${props === '' ? '' : ` ${props}`}\n${block(node, indent)}`;
}

function render(root: YamlTree): string {
  if (!isBlock(root)) return `${inline(root)}\n`;
  const props = root.kind === 'map' || root.kind === 'seq' ? root.props : '';
  return `${props === '' ? '' : `${props}\n`}${block(root, 0)}`;
}

/** Nesting and size bombs of random shape and size. */
const bomb: fc.Arbitrary<string> = fc
  .record({
    shape: fc.constantFrom(
      'flow-seq',
      'flow-map',
      'compact-seq',
      'explicit-key',
      'indented',
      'wide-flow',
      'wide-block',
      'anchors',
    ),
    n: fc.integer({ min: 1, max: 30_000 }),
    closed: fc.boolean(),
  })
  .map(({ shape, n, closed }) => {
    switch (shape) {
      case 'flow-seq':
        return `${'['.repeat(n)}x${closed ? ']'.repeat(n) : ''}`;
      case 'flow-map':
        return `${'{a: '.repeat(n)}x${closed ? '}'.repeat(n) : ''}`;
      case 'compact-seq':
        return `${'- '.repeat(n)}x\n${closed ? 'y: 1\n' : ''}`;
      case 'explicit-key':
        return `${'? '.repeat(n)}x\n`;
      case 'indented': {
        const levels = Math.min(n, 1_400);
        let text = '';
        for (let i = 0; i < levels; i++) text += `${' '.repeat(i)}k:\n`;
        return closed ? `${text}back: 1\n` : text;
      }
      case 'wide-flow':
        return `[${'a, '.repeat(n)}]`;
      case 'wide-block':
        return '- a\n'.repeat(n);
      case 'anchors':
        return Array.from(
          { length: Math.min(n, 200) },
          (_, i) => `k${i}: &a${i} [*a${Math.max(0, i - 1)}]\n`,
        ).join('');
    }
  });

// ---- the runs ---------------------------------------------------------------------------------

describe(`tx-file fuzz (seed ${SEED})`, () => {
  const gc = exposeGc();
  warmUp();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;

  it(`arbitrary bytes (${runsFor(SHARES.bytes)} cases)`, () => {
    const arbitrary = fc.oneof(
      fc.uint8Array({ maxLength: 2_048 }),
      fc.uint8Array({ maxLength: 512, min: 0x09, max: 0x7e }),
      fc.subarray([...FULL]).map((a) => Uint8Array.from(a)),
    );
    check(arbitrary, runsFor(SHARES.bytes), (value) => value);
  });

  it(`arbitrary unicode and YAML-alphabet strings (${runsFor(SHARES.unicode)} cases)`, () => {
    const yamlish = fc.string({
      unit: fc.constantFrom(...SNIPPETS, 'a', 'k', '0', ' ', ' ', '\n', '\n'),
      maxLength: 120,
    });
    const arbitrary = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 512 }),
      fc.string({ unit: 'grapheme', maxLength: 256 }),
      yamlish,
    );
    check(arbitrary, runsFor(SHARES.unicode), (text) => encoder.encode(text));
  });

  it(`mutations of the canonical fixtures (${runsFor(SHARES.mutations)} cases)`, () => {
    const arbitrary = fc.record({
      base: fc.constantFrom(FULL, MINIMAL),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 8 }),
    });
    check(arbitrary, runsFor(SHARES.mutations), ({ base, mutations }) => mutate(base, mutations));
  });

  it(`random YAML trees with anchors, aliases, tags, merge and duplicate keys, and bombs (${runsFor(SHARES.trees)} cases)`, () => {
    const arbitrary = fc.oneof({ weight: 4, arbitrary: tree.map(render) }, { weight: 1, arbitrary: bomb });
    check(arbitrary, runsFor(SHARES.trees), (text) => encoder.encode(text));
  });

  it(`valid TxFile objects round-trip through serialize and parse (${runsFor(SHARES.valid)} cases)`, () => {
    fc.assert(
      fc.property(txFile, fc.integer(), (tx, seed) => {
        const bytes = serializeTxFile(tx);
        assert.equal(probe(bytes), 'ok');
        const parsed = parseTxFile(bytes);
        assert.deepEqual(parsed, tx);
        assert.ok(bytesEqual(serializeTxFile(parsed), bytes));
        assert.ok(bytesEqual(serializeTxFile(shuffleKeys(tx, seed)), bytes));
      }),
      { seed: SEED, numRuns: runsFor(SHARES.valid) },
    );
  });

  it('ran every case, and stays within its memory budget', () => {
    const elapsed = performance.now() - stats.started;
    gc();
    const growthMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    const codes = [...stats.codes.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code}=${n}`);
    console.log(
      `tx-file fuzz: ${stats.cases} cases in ${(elapsed / 1000).toFixed(1)} s, slowest ${stats.slowestMs.toFixed(1)} ms CPU, ` +
        `heap +${growthMiB.toFixed(1)} MiB; outcomes: ${codes.join(' ')}`,
    );
    assert.ok(stats.cases >= TOTAL_RUNS, `ran ${stats.cases} cases, expected at least ${TOTAL_RUNS}`);
    assert.ok(growthMiB < HEAP_GROWTH_MIB, `heap grew by ${growthMiB.toFixed(1)} MiB`);
    // The generators must reach deep into the parser, not only bounce off the first check.
    for (const code of [
      ErrorCode.YamlAnchor,
      ErrorCode.YamlAlias,
      ErrorCode.YamlTag,
      ErrorCode.YamlDuplicateKey,
      ErrorCode.YamlSyntax,
      ErrorCode.TooDeep,
      ErrorCode.BadFormat,
    ]) {
      assert.ok((stats.codes.get(code) ?? 0) > 0, `no case ended in ${code}`);
    }
    assert.ok(stats.accepted > 0, 'no case was accepted');
  });
});

/**
 * One untimed pass over the costliest shapes, so the per-case bound measures the parser, not the
 * JIT compiling it (the first 10,000-item list is several times slower than the second).
 */
function warmUp(): void {
  for (const text of [
    '- a\n'.repeat(10_001),
    `[${'a, '.repeat(10_001)}]`,
    '#\n'.repeat(80_001),
    '['.repeat(1_000),
  ]) {
    for (let i = 0; i < 3; i++) {
      try {
        parseTxFile(encoder.encode(text));
      } catch {
        // expected: these are refusals
      }
    }
  }
  parseTxFile(FULL);
}

/** A gc() that works without --expose-gc (the flag can be set at run time and read from a fresh context). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof gc !== 'function') return () => undefined;
  const collect = gc as () => void;
  return () => {
    collect();
  };
}
