// `anchorpost verify` against a real anvil: a proof assembled from the embedded index verifies
// (exit 0, a report of what was checked); a tampered one fails with one ERROR line (exit 1). The
// lower time bound is checked on the Ergo node test double, whose blocks the proof's trustedblock names.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assembleProof } from '@anchorpost/proofs';
import type { EvmAnchorProof, TxFileProof } from '@anchorpost/proofs';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import type { ErgoDevnet } from '@anchorpost/ergo-devnet';
import { forgeProof, startProofFixture } from '@anchorpost/proofs/testing';
import type { ProofFixture } from '@anchorpost/proofs/testing';

/** The EVM anchor of a proof of this suite (which anchors on anvil only). */
function evmAnchor(proof: TxFileProof): EvmAnchorProof {
  const anchor = proof.anchors.find((a) => a.chain === 'evm');
  assert.ok(anchor?.chain === 'evm', 'an EVM anchor');
  return anchor;
}

const BIN = fileURLToPath(new URL('../bin/anchorpost.js', import.meta.url));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Asynchronous, so the in-process embedded database keeps running while the CLI does. */
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

/**
 * Most cases here have no Ergo node, so no lower time bound: `--no-lower-bound` says so
 * explicitly (refusing without it, and checking with a node, are the cases that call `cli`).
 */
function verifyWithoutLowerBound(...args: string[]): Promise<Run> {
  return cli('verify', ...args, '--no-lower-bound');
}

function assertFailure(result: Run, code: string, field?: string): void {
  assert.equal(result.status, 1, `expected exit 1, got ${result.status}; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one stderr line, got: ${result.stderr}`);
  const match = /^ERROR ([A-Z0-9_]+) (\S+): (.+)$/.exec(lines[0]!);
  assert.ok(match, `bad error line: ${lines[0]}`);
  assert.equal(match[1], code, lines[0]);
  if (field !== undefined) assert.equal(match[2], field, lines[0]);
}

let fixture: ProofFixture;
let work: string;
let proof: TxFileProof;
const at = (name: string) => join(work, name);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-verify-'));
  fixture = await startProofFixture();
  const batch = await fixture.anchoredBatch(5);
  await fixture.chain.mine(2);
  proof = await assembleProof(fixture.database.index, batch.entries[3]!, { head: () => fixture.head() });
  await writeFile(at('proof.json'), JSON.stringify(proof, null, 2));
  // The platform's trust roots, as an auditor keeps them: its contract, its anchorer's key.
  await writeFile(at('trust.json'), JSON.stringify(fixture.trustRoots, null, 2));
  // A stranger's own copy of the contract, anchoring a root over CIDs of their choosing.
  const forged = await forgeProof(fixture.chain, { signer: fixture.chain.stranger, entries: batch.entries });
  await writeFile(at('stranger.json'), JSON.stringify(forged, null, 2));
});

after(async () => {
  await fixture.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost verify', () => {
  it('verifies a proof against the chain node and reports what it checked', async () => {
    const result = await verifyWithoutLowerBound(
      at('proof.json'),
      '--trust',
      at('trust.json'),
      '--evm-rpc',
      fixture.rpcUrl,
      '--min-confirmations',
      '3',
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, new RegExp(`^verified tx-file ${proof.txFile}\n`));
    assert.match(result.stdout, /leaf 3 of 5 in batch/);
    assert.match(
      result.stdout,
      /batch header: platform proof-fixture, .* 5 tx-files — read from the batch-file's root block/,
    );
    assert.match(result.stdout, new RegExp(`anchor evm:${fixture.chainId}: tx ${evmAnchor(proof).txHash}`));
    assert.match(result.stdout, /is canonical/);
    assert.match(result.stdout, /^ {2}trusted: every anchor is in the trust roots of proof-fixture /m);
    assert.match(result.stdout, new RegExp(`from ${fixture.chain.owner.address.toLowerCase()} succeeded`));
    const perChain = await verifyWithoutLowerBound(
      at('proof.json'),
      '--trust',
      at('trust.json'),
      '--evm-rpc',
      `${fixture.chainId}=${fixture.rpcUrl}`,
    );
    assert.equal(perChain.status, 0, perChain.stderr);
  });

  it('fails a tampered proof with one ERROR line and exit 1', async () => {
    const tampered = structuredClone(proof);
    const first = tampered.inclusion.path[0]!;
    tampered.inclusion.path[0] = first.slice(0, 63) + (first.endsWith('0') ? '1' : '0');
    await writeFile(at('tampered.json'), JSON.stringify(tampered));
    assertFailure(
      await verifyWithoutLowerBound(
        at('tampered.json'),
        '--trust',
        at('trust.json'),
        '--evm-rpc',
        fixture.rpcUrl,
      ),
      'BAD_INCLUSION',
      'inclusion.root',
    );

    const otherContract = structuredClone(proof);
    evmAnchor(otherContract).contract = fixture.chain.stranger.address.toLowerCase();
    await writeFile(at('contract.json'), JSON.stringify(otherContract));
    assertFailure(
      await verifyWithoutLowerBound(at('contract.json'), '--trust-proof-claims', '--evm-rpc', fixture.rpcUrl),
      'ANCHOR_NOT_FOUND',
      'anchors[0].contract',
    );

    await writeFile(at('shape.json'), JSON.stringify({ ...proof, version: 5 }));
    assertFailure(
      await verifyWithoutLowerBound(
        at('shape.json'),
        '--trust',
        at('trust.json'),
        '--evm-rpc',
        fixture.rpcUrl,
      ),
      'INVALID_PROOF',
      'version',
    );

    // The batch header is the anchored root block's: an edited sealing time is refused.
    const resealed = structuredClone(proof);
    resealed.batch.sealedAt = '2020-01-01T00:00:00.000Z';
    await writeFile(at('resealed.json'), JSON.stringify(resealed));
    assertFailure(
      await verifyWithoutLowerBound(
        at('resealed.json'),
        '--trust',
        at('trust.json'),
        '--evm-rpc',
        fixture.rpcUrl,
      ),
      'BATCH_HEADER_MISMATCH',
      'batch.sealedAt',
    );
  });

  it('fails when the proof is not deep enough, or no node is given for its chain', async () => {
    assertFailure(
      await verifyWithoutLowerBound(
        at('proof.json'),
        ...['--trust', at('trust.json'), '--evm-rpc', fixture.rpcUrl, '--min-confirmations', '1000'],
      ),
      'TOO_FEW_CONFIRMATIONS',
      'anchors[0].blockNumber',
    );
    assertFailure(
      await verifyWithoutLowerBound(
        at('proof.json'),
        '--trust-proof-claims',
        '--evm-rpc',
        `1=${fixture.rpcUrl}`,
      ),
      'NO_RPC_URL',
      'anchors[0].chainId',
    );
    const usage = await verifyWithoutLowerBound(at('proof.json'), '--trust', at('trust.json'));
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^ERROR USAGE -: --evm-rpc or --ergo-node is required/);
  });

  it('verifies several proofs in one call, and exits 1 naming the file when any one fails', async () => {
    const trust = ['--trust', at('trust.json')];
    const all = await verifyWithoutLowerBound(
      at('proof.json'),
      at('proof.json'),
      ...trust,
      '--evm-rpc',
      fixture.rpcUrl,
    );
    assert.equal(all.status, 0, all.stderr);
    assert.equal(all.stdout.match(/^verified tx-file /gm)?.length, 2);
    const mixed = await verifyWithoutLowerBound(
      ...[at('proof.json'), at('tampered.json'), ...trust, '--evm-rpc', fixture.rpcUrl],
    );
    assert.equal(mixed.status, 1);
    assert.equal(mixed.stdout.match(/^verified tx-file /gm)?.length, 1);
    assert.match(mixed.stderr, /^ERROR \S+ \S+: .*\(.*tampered\.json\)$/m);
    assert.match(mixed.stderr, /^1 of 2 proofs failed$/m);
  });

  it('fails closed without --trust, naming it; --trust-proof-claims must be explicit and says what it means', async () => {
    const closed = await verifyWithoutLowerBound(at('proof.json'), '--evm-rpc', fixture.rpcUrl);
    assert.equal(closed.status, 2);
    assert.match(closed.stderr, /^ERROR USAGE -: --trust TRUST\.json is required/);
    assert.equal(closed.stdout, '');
    const both = await verifyWithoutLowerBound(
      ...[at('proof.json'), '--trust', at('trust.json'), '--trust-proof-claims', '--evm-rpc', fixture.rpcUrl],
    );
    assert.equal(both.status, 2);
    assert.match(both.stderr, /exclude each other/);
    const claims = await verifyWithoutLowerBound(
      at('proof.json'),
      '--trust-proof-claims',
      '--evm-rpc',
      fixture.rpcUrl,
    );
    assert.equal(claims.status, 0, claims.stderr);
    assert.match(claims.stdout, /^ {2}trusted: NOT CHECKED \(--trust-proof-claims\)/m);
  });

  it("passes the platform's proof and fails the stranger's under the platform's trust file", async () => {
    const real = await verifyWithoutLowerBound(
      at('proof.json'),
      '--trust',
      at('trust.json'),
      '--evm-rpc',
      fixture.rpcUrl,
    );
    assert.equal(real.status, 0, real.stderr);
    assertFailure(
      await verifyWithoutLowerBound(
        at('stranger.json'),
        '--trust',
        at('trust.json'),
        '--evm-rpc',
        fixture.rpcUrl,
      ),
      'UNTRUSTED_ANCHOR',
      'anchors[0].contract',
    );
    // The chain alone cannot tell: on the proof's own claims the stranger's proof holds.
    const claimed = await verifyWithoutLowerBound(
      at('stranger.json'),
      '--trust-proof-claims',
      '--evm-rpc',
      fixture.rpcUrl,
    );
    assert.equal(claimed.status, 0, claimed.stderr);
  });

  it('refuses a trust file that is not TrustRoots v1, naming the field', async () => {
    await writeFile(at('bad-trust.json'), JSON.stringify({ ...fixture.trustRoots, extra: true }));
    assertFailure(
      await verifyWithoutLowerBound(
        at('proof.json'),
        '--trust',
        at('bad-trust.json'),
        '--evm-rpc',
        fixture.rpcUrl,
      ),
      'INVALID_TRUST_ROOTS',
      'extra',
    );
  });

  it('fails closed without a lower bound (NO_LOWER_BOUND); --no-lower-bound must be explicit and says so', async () => {
    const closed = await cli(
      'verify',
      at('proof.json'),
      '--trust',
      at('trust.json'),
      '--evm-rpc',
      fixture.rpcUrl,
    );
    assertFailure(closed, 'NO_LOWER_BOUND', 'timeBound.notBefore');
    assert.match(closed.stderr, /no Ergo node was given/);
    const open = await verifyWithoutLowerBound(
      at('proof.json'),
      '--trust',
      at('trust.json'),
      '--evm-rpc',
      fixture.rpcUrl,
    );
    assert.equal(open.status, 0, open.stderr);
    assert.match(
      open.stdout,
      /^ {2}sent after: NOT ESTABLISHED \(--no-lower-bound\): no Ergo node was given/m,
    );
  });

  it('prints what each option establishes with --help', async () => {
    const help = await cli('verify', '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: anchorpost verify PROOF\.json\.\.\./);
    assert.match(help.stdout, /--no-lower-bound {10}accept a proof whose "sent after" cannot be established/);
    assert.match(help.stdout, /NO_LOWER_BOUND/);
  });
});

describe('anchorpost verify --ergo-node: "sent after" from the trustedblock on the chain', () => {
  let devnet: ErgoDevnet;
  let onChain: { height: number; blockId: string };

  before(async () => {
    // Blocks an hour old: mined before the anvil anchors, as a real trustedblock is.
    devnet = await startErgoDevnet({ now: () => Date.now() - 3_600_000 });
    devnet.mine(3);
    const ids = (await (await fetch(`${devnet.url}/blocks/at/2`)).json()) as string[];
    onChain = { height: 2, blockId: ids[0]! };
    const batch = await fixture.anchoredBatch(2);
    const named = await assembleProof(fixture.database.index, batch.entries[0]!, {
      head: () => fixture.head(),
      trustedblock: () => Promise.resolve(onChain),
    });
    await writeFile(at('on-chain.json'), JSON.stringify(named));
  });
  after(() => devnet.close());

  const withNode = (file: string, ...more: string[]) =>
    cli(
      'verify',
      at(file),
      '--trust',
      at('trust.json'),
      '--evm-rpc',
      fixture.rpcUrl,
      '--ergo-node',
      devnet.url,
      ...more,
    );

  it('reports the trustedblock found on the chain, with its time', async () => {
    const result = await withNode('on-chain.json');
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `^ {2}sent after: \\S+ \\(the tx-file's trustedblock, Ergo block 2 ${onChain.blockId}, is on the best chain\\)$`,
        'm',
      ),
    );
  });

  it('TRUSTEDBLOCK_NOT_ON_CHAIN for a block id the chain does not hold, with or without --no-lower-bound', async () => {
    // The fixture's tx-files name a made-up block id.
    assertFailure(await withNode('proof.json'), 'TRUSTEDBLOCK_NOT_ON_CHAIN', 'timeBound.notBefore.blockId');
    assertFailure(
      await withNode('proof.json', '--no-lower-bound'),
      'TRUSTEDBLOCK_NOT_ON_CHAIN',
      'timeBound.notBefore.blockId',
    );
  });
});
