/**
 * cidForBytes / cidForChunks against a real Kubo binary: `ipfs add --only-hash --cid-version=1
 * --raw-leaves -Q` on files from empty to two tree levels (45 MiB = 180 chunks > 174 links).
 * The binary comes from ANCHORPOST_IPFS_BIN or `ipfs` on PATH. Without one the test skips, except
 * in CI (CI=true) or with ANCHORPOST_REQUIRE_KUBO=1, where a missing Kubo is a failure.
 */
import { execFile } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import {
  accessSync,
  constants,
  createReadStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cidForBytes, cidForChunks } from '../src/cid/index.ts';

const run = promisify(execFile);

function findIpfs(): string | undefined {
  const fromEnv = process.env.ANCHORPOST_IPFS_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'ipfs');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Pseudo-random, reproducible: AES-128-CTR keystream, key 00..0f, IV 0. */
function keystream(size: number): Uint8Array {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  return new Uint8Array(createCipheriv('aes-128-ctr', key, new Uint8Array(16)).update(new Uint8Array(size)));
}

const SIZES = [0, 1, 262_144, 262_145, 10_485_760, 47_185_920];
const required = process.env.CI === 'true' || process.env.ANCHORPOST_REQUIRE_KUBO === '1';
const ipfs = findIpfs();

void describe('CIDs equal real Kubo output', { timeout: 300_000 }, () => {
  let workDir = '';
  const env = { ...process.env };

  before(async () => {
    if (ipfs === undefined) return;
    workDir = mkdtempSync(join(tmpdir(), 'anchorpost-kubo-'));
    env.IPFS_PATH = join(workDir, 'repo');
    await run(ipfs, ['init', '--profile=test'], { env });
  });

  after(() => {
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  async function kuboCid(file: string): Promise<string> {
    const { stdout } = await run(
      ipfs!,
      ['add', '--only-hash', '--cid-version=1', '--raw-leaves', '-Q', file],
      { env },
    );
    return stdout.trim();
  }

  /** False (and the test skipped or failed, see the file comment) when there is no Kubo. */
  function haveKubo(t: TestContext): boolean {
    if (ipfs !== undefined) return true;
    const message = 'no Kubo binary: set ANCHORPOST_IPFS_BIN or put `ipfs` on PATH';
    if (required) assert.fail(`${message} (required because CI=true or ANCHORPOST_REQUIRE_KUBO=1)`);
    t.skip(message);
    return false;
  }

  for (const size of SIZES) {
    void it(`${size} bytes`, async (t) => {
      if (!haveKubo(t)) return;
      const file = join(workDir, `file-${size}`);
      writeFileSync(file, keystream(size));
      const expected = await kuboCid(file);
      assert.match(expected, /^baf/);
      assert.equal(await cidForBytes(readFileSync(file)), expected, 'cidForBytes');
      const stream = createReadStream(file, { highWaterMark: 100_000 }) as AsyncIterable<Uint8Array>;
      assert.equal(await cidForChunks(stream), expected, 'cidForChunks');
      t.diagnostic(`${size} B -> ${expected}`);
      rmSync(file);
    });
  }

  void it('every vector in test-vectors/cid-v1.json', async (t) => {
    if (!haveKubo(t)) return;
    const vectors = (
      JSON.parse(readFileSync(new URL('../test-vectors/cid-v1.json', import.meta.url), 'utf8')) as CidVectors
    ).vectors;
    for (const v of vectors) {
      const file = join(workDir, 'vector');
      writeFileSync(file, vectorContent(v.pattern, v.size));
      assert.equal(await kuboCid(file), v.cid, `${v.pattern} × ${v.size}`);
      rmSync(file);
    }
    t.diagnostic(`${vectors.length} vectors match Kubo`);
  });
});

interface CidVectors {
  vectors: { size: number; pattern: string; cid: string }[];
}

/** The patterns cid-v1.json defines. */
function vectorContent(pattern: string, size: number): Uint8Array {
  if (pattern === 'i*31+7 mod 256') return Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) % 256);
  if (pattern === 'zero') return new Uint8Array(size);
  if (pattern === 'aes-128-ctr') return keystream(size);
  throw new Error(`unknown pattern ${pattern}`);
}
