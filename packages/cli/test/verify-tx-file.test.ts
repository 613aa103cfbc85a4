// `anchorpost verify PROOF --tx-file FILE --client-key KEY` against a real anvil: a batch of real
// tx-files is sealed, anchored and proved; the auditor, with no group secret, ties the proof to the
// file's bytes and the file to its client — and catches a forgery that got anchored anyway.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BatchRecord, TxFileRecord } from '@anchorpost/db';
import {
  buildTxFile,
  cidForBytes,
  createGroup,
  encodeBatchFile,
  generateIdentity,
  serializeTxFile,
  toHex,
  toPublicKeyFile,
  type BatchRootBlock,
  type BuildTxFileInput,
} from '@anchorpost/protocol';
import { buildLegacyTxFile, forgeWithHarvestedSignature } from '@anchorpost/protocol/testing';
import { assembleProof } from '@anchorpost/proofs';
import { FIXTURE_PLATFORM, startProofFixture } from '@anchorpost/proofs/testing';
import type { ProofFixture } from '@anchorpost/proofs/testing';

const BIN = fileURLToPath(new URL('../bin/anchorpost.js', import.meta.url));
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

function assertFailure(result: Run, code: string, field: string): void {
  assert.equal(result.status, 1, `expected exit 1, got ${result.status}; stderr: ${result.stderr}`);
  const match = /^ERROR ([A-Z0-9_]+) (\S+): .+\n$/.exec(result.stderr);
  assert.ok(match, `bad error line: ${result.stderr}`);
  assert.deepEqual([match[1], match[2]], [code, field], result.stderr);
}

/** Seals `files` as batch 0 of the fixture's platform, anchors it, and indexes it as the parser would. */
async function anchorFiles(fixture: ProofFixture, files: readonly Uint8Array[]): Promise<string[]> {
  const entries = await Promise.all(files.map((bytes) => cidForBytes(bytes)));
  const encoder = encodeBatchFile(
    { platform: FIXTURE_PLATFORM, sequence: 0, previous: null, sealedAt: new Date().toISOString() },
    entries,
  );
  let root: BatchRootBlock;
  for (;;) {
    const step = await encoder.next();
    if (step.done === true) {
      root = step.value;
      break;
    }
  }
  const record: BatchRecord = {
    cid: root.cid.toString(),
    platform: FIXTURE_PLATFORM,
    sequence: 0,
    previousCid: null,
    sealedAt: root.root.sealedAt,
    merkleRoot: toHex(root.root.merkleRoot),
    count: root.root.count,
    rootBlock: root.bytes,
  };
  await fixture.database.index.recordBatch(record, entries);
  const rows: TxFileRecord[] = entries.map((cid, batchIndex) => ({
    cid,
    batchSequence: 0,
    batchIndex,
    recipientHash: 'ab'.repeat(64),
    senderHashes: ['cd'.repeat(64)],
    clientId: 'verify-tx-file',
    suite: 'modern',
    stateBefore: '00'.repeat(64),
    stateAfter: '11'.repeat(64),
    size: files[batchIndex]!.byteLength,
    lastblockHeight: 1_204_331,
    trustedblockHeight: 1_204_321,
  }));
  await fixture.database.index.recordTxFiles(rows);
  const batch = { record, entries };
  await fixture.recordAnchor(batch, await fixture.anchorOnChain(batch));
  await fixture.chain.mine(2);
  return entries;
}

let fixture: ProofFixture;
let work: string;
const at = (name: string) => join(work, name);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-verify-tx-file-'));
  fixture = await startProofFixture();
  const [sender, client, other] = await Promise.all([
    generateIdentity('modern'),
    generateIdentity('modern'),
    generateIdentity('modern'),
  ]);
  const { keys: group } = await createGroup('modern', [sender.public]);
  const input = (text: string): BuildTxFileInput => ({
    group,
    senders: [sender],
    client,
    blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
    message: { data: new TextEncoder().encode(text) },
  });
  const genuine = serializeTxFile(buildTxFile(input('pay Bob 10')));
  const files = {
    genuine,
    // Someone else's content under the genuine file's harvested signature (as a v0.1 relay took it).
    forged: forgeWithHarvestedSignature(genuine, serializeTxFile(buildTxFile(input('pay Mallory')))),
    legacy: serializeTxFile(buildLegacyTxFile(input('an old one'))),
  };
  const entries = await anchorFiles(fixture, [files.genuine, files.forged, files.legacy]);
  for (const [i, name] of (['genuine', 'forged', 'legacy'] as const).entries()) {
    await writeFile(at(`${name}.yaml`), files[name]);
    const proof = await assembleProof(fixture.database.index, entries[i]!, { head: () => fixture.head() });
    await writeFile(at(`${name}.proof.json`), JSON.stringify(proof));
  }
  await writeFile(at('client.json'), JSON.stringify(toPublicKeyFile(client.public)));
  await writeFile(at('other.json'), JSON.stringify(toPublicKeyFile(other.public)));
  await writeFile(at('trust.json'), JSON.stringify(fixture.trustRoots));
});

after(async () => {
  await fixture.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost verify --tx-file --client-key', () => {
  const verify = (proof: string, txFile: string, key = 'client.json') =>
    cli(
      'verify',
      at(`${proof}.proof.json`),
      // No Ergo node here, so no lower time bound (said explicitly); the tx-file check is apart from it.
      ...['--trust', at('trust.json'), '--evm-rpc', fixture.rpcUrl, '--no-lower-bound'],
      ...['--tx-file', at(txFile), '--client-key', at(key)],
    );

  it('ties the proof to the bytes and the bytes to the client', async () => {
    const result = await verify('genuine', 'genuine.yaml');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^verified tx-file /);
    assert.match(result.stdout, /^ {2}tx-file: the file given hashes to \S+$/m);
    assert.match(
      result.stdout,
      /^ {2}from client [0-9a-f]{64}: its signature verifies over the file's public digest \(v0\.2/m,
    );
  });

  it('refuses an anchored file under a harvested signature, a v0.1 file, another file and another key', async () => {
    assertFailure(await verify('forged', 'forged.yaml'), 'BAD_SIGNATURE', 'transaction.client.signature');
    assertFailure(await verify('legacy', 'legacy.yaml'), 'LEGACY_TX_FILE', 'transaction.version');
    assertFailure(await verify('genuine', 'forged.yaml'), 'TX_FILE_MISMATCH', '--tx-file');
    assertFailure(await verify('genuine', 'genuine.yaml', 'other.json'), 'BAD_KEY', 'transaction.client.id');
  });

  it('wants both options, with one proof', async () => {
    const alone = await cli(
      'verify',
      at('genuine.proof.json'),
      ...['--trust', at('trust.json'), '--evm-rpc', fixture.rpcUrl, '--no-lower-bound'],
      ...['--tx-file', at('genuine.yaml')],
    );
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /^ERROR USAGE -: --tx-file and --client-key go together/);
  });
});
