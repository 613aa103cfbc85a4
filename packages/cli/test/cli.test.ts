import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cidForBytes, MerkleTree } from '@anchorpost/protocol';

const BIN = fileURLToPath(new URL('../bin/anchorpost.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'anchorpost-cli-'));
const at = (...parts: string[]) => join(work, ...parts);
const BLOCKS = ['--lastblock', `1204331:${'a'.repeat(64)}`, '--trustedblock', `1204321:${'b'.repeat(64)}`];

function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

/** The failure contract: exit 1, exactly one stderr line `ERROR <code> <field>: <message>`, no stack trace. */
function assertFailure(result: ReturnType<typeof cli>, code: string, field?: string) {
  assert.equal(result.status, 1, `expected exit 1, got ${result.status}; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one stderr line, got: ${result.stderr}`);
  const match = /^ERROR ([A-Z0-9_]+) (\S+): (.+)$/.exec(lines[0]!);
  assert.ok(match, `bad error line: ${lines[0]}`);
  assert.equal(match[1], code, lines[0]);
  if (field !== undefined) assert.equal(match[2], field, lines[0]);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('anchorpost keys, group, tx', () => {
  before(() => {
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const result = cli('keys', 'new', '--out', at(name));
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^[0-9a-f]{64}\n$/);
    }
    const group = cli(
      'group',
      'new',
      ...['alice', 'bob', 'carol'].flatMap((n) => ['--member', at(n, 'public-key.json')]),
      '--out',
      at('group.json'),
    );
    assert.equal(group.status, 0, group.stderr);
  });

  it('writes private keys owner-only and never overwrites one', () => {
    assert.equal(statSync(at('alice', 'private-key.json')).mode & 0o777, 0o600);
    assertFailure(cli('keys', 'new', '--out', at('alice')), 'IO_EEXIST');
  });

  it('builds, validates and opens a transaction-file for every member', () => {
    const built = cli(
      'tx',
      'build',
      '--group',
      at('group.json'),
      '--key',
      at('alice', 'private-key.json'),
      '--header',
      'Hi',
      '--text',
      'Hello group',
      ...BLOCKS,
      '--out',
      at('tx.yaml'),
    );
    assert.equal(built.status, 0, built.stderr);
    const cid = built.stdout.trim();
    assert.match(cid, /^bafkrei[a-z2-7]{52}$/);
    assert.equal(cli('cid', at('tx.yaml')).stdout.trim(), cid);
    assert.equal(cli('tx', 'validate', at('tx.yaml')).status, 0);
    for (const member of ['alice', 'bob', 'carol']) {
      const opened = cli(
        'tx',
        'open',
        at('tx.yaml'),
        '--key',
        at(member, 'private-key.json'),
        '--group',
        at('group.json'),
        '--client-key',
        at('alice', 'public-key.json'),
      );
      assert.equal(opened.status, 0, opened.stderr);
      const report = JSON.parse(opened.stdout) as {
        message: { header: { text: string }; data: { text: string } };
        client: { verified: boolean };
      };
      assert.equal(report.message.data.text, 'Hello group');
      assert.equal(report.message.header.text, 'Hi');
      assert.equal(report.client.verified, true);
    }
    assertFailure(
      cli('tx', 'open', at('tx.yaml'), '--key', at('dave', 'private-key.json'), '--group', at('group.json')),
      'NOT_A_MEMBER',
      'group.members',
    );
  });

  it('reports a tampered file with a code and the field', () => {
    const text = readFileSync(at('tx.yaml'), 'utf8');
    const tampered = text.replace(/height: (\d+)/, (_, h: string) => `height: ${Number(h) + 1}`);
    assert.notEqual(tampered, text);
    writeFileSync(at('tampered.yaml'), tampered);
    assert.equal(cli('tx', 'validate', at('tampered.yaml')).status, 0, 'still well-formed');
    assertFailure(
      cli(
        'tx',
        'open',
        at('tampered.yaml'),
        '--key',
        at('bob', 'private-key.json'),
        '--group',
        at('group.json'),
      ),
      'STATE_MISMATCH',
      'transaction.state.after',
    );
  });

  it('works with the rsa-4096 suite', () => {
    for (const name of ['r1', 'r2'])
      assert.equal(cli('keys', 'new', '--suite', 'rsa-4096', '--out', at(name)).status, 0);
    assert.equal(
      cli(
        'group',
        'new',
        '--member',
        at('r1', 'public-key.json'),
        '--member',
        at('r2', 'public-key.json'),
        '--out',
        at('rgroup.json'),
      ).status,
      0,
    );
    const built = cli(
      'tx',
      'build',
      '--group',
      at('rgroup.json'),
      '--key',
      at('r1', 'private-key.json'),
      '--text',
      'RSA hello',
      ...BLOCKS,
      '--out',
      at('rtx.yaml'),
    );
    assert.equal(built.status, 0, built.stderr);
    const opened = cli(
      'tx',
      'open',
      at('rtx.yaml'),
      '--key',
      at('r2', 'private-key.json'),
      '--group',
      at('rgroup.json'),
    );
    assert.equal(opened.status, 0, opened.stderr);
    assert.match(readFileSync(at('rtx.yaml'), 'utf8'), /suite: 'rsa-4096'/);
  });
});

describe('anchorpost tx validate: malformed input', () => {
  const valid = () => readFileSync(at('tx.yaml'), 'utf8');
  const cases: { name: string; make: () => string | Uint8Array; code: string; field?: string }[] = [
    {
      name: 'duplicate key',
      make: () => valid().replace("  suite: 'modern'\n", "  suite: 'modern'\n  suite: 'modern'\n"),
      code: 'YAML_DUPLICATE_KEY',
    },
    { name: 'alias', make: () => 'a: &x [1]\nb: *x\n', code: 'YAML_ANCHOR' },
    { name: 'custom tag', make: () => 'transaction: !evil {}\n', code: 'YAML_TAG' },
    { name: 'non-UTF-8', make: () => new Uint8Array([0x74, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), code: 'NOT_UTF8' },
    {
      name: 'unknown version',
      make: () => valid().replace("version: '0.2'", "version: '9.9'"),
      code: 'UNKNOWN_VERSION',
      field: 'transaction.version',
    },
    {
      name: 'missing field',
      make: () => valid().replace(/^ {2}key: .*\n/m, ''),
      code: 'MISSING_FIELD',
      field: 'transaction.key',
    },
    {
      name: 'wrong type',
      make: () => valid().replace(/^ {2}suite: .*$/m, '  suite: [modern]'),
      code: 'WRONG_TYPE',
      field: 'transaction.suite',
    },
    { name: 'oversize', make: () => `# ${'x'.repeat(1024 * 1024)}\n`, code: 'TOO_LARGE', field: '-' },
    { name: 'depth bomb', make: () => `${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, code: 'TOO_DEEP' },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, () => {
      const path = at(`bad-${c.name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(path, c.make());
      const result = cli('tx', 'validate', path);
      assertFailure(result, c.code, c.field);
    });
  }
  it('a missing file is one clear line too', () => {
    assertFailure(cli('tx', 'validate', at('nope.yaml')), 'IO_ENOENT');
  });
  it('usage mistakes exit 2', () => {
    const result = cli('tx', 'validate');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^ERROR USAGE -: /);
  });
});

describe('anchorpost cid and merkle', () => {
  it('prints the CID and nothing else, for small and multi-chunk files', async () => {
    const small = new Uint8Array(0);
    const large = new Uint8Array(600 * 1024).map((_, i) => (i * 31 + 7) % 256);
    for (const [name, bytes] of [
      ['empty', small],
      ['large', large],
    ] as const) {
      writeFileSync(at(name), bytes);
      const result = cli('cid', at(name));
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `${await cidForBytes(bytes)}\n`);
    }
    // The empty file's CID is a well-known constant (raw codec, SHA-256 of nothing).
    assert.equal(
      cli('cid', at('empty')).stdout.trim(),
      'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    );
  });

  it('computes roots, proves and verifies', async () => {
    const cids = await Promise.all(
      Array.from({ length: 11 }, (_, i) => cidForBytes(new TextEncoder().encode(`tx-file ${i}`))),
    );
    writeFileSync(at('leaves.txt'), `${cids.join('\n')}\n`);
    const root = cli('merkle', 'root', at('leaves.txt'));
    assert.equal(root.stdout.trim(), MerkleTree.fromCids(cids).rootHex);
    const proof = cli('merkle', 'prove', at('leaves.txt'), '7');
    assert.equal(proof.status, 0, proof.stderr);
    writeFileSync(at('proof.json'), proof.stdout);
    assert.equal(cli('merkle', 'verify', at('proof.json')).status, 0);
    const forged = JSON.parse(proof.stdout) as { leaf: string };
    forged.leaf = cids[3]!;
    writeFileSync(at('forged.json'), JSON.stringify(forged));
    assertFailure(cli('merkle', 'verify', at('forged.json')), 'BAD_PROOF');
    assertFailure(cli('merkle', 'prove', at('leaves.txt'), '11'), 'OUT_OF_RANGE');
    writeFileSync(at('bad-leaves.txt'), `${cids[0]}\nnot-a-cid\n`);
    assertFailure(cli('merkle', 'root', at('bad-leaves.txt')), 'BAD_CID', 'LEAVES:2');
  });
});
