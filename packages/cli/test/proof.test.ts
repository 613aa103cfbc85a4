// `anchorpost proof` as a child process against a real proof API service (PGlite index, anvil)
// running in this process: 200 (printed, saved, verified), 202 pending (exit 3), 404, bad arguments.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startProofApiService, proofApiConfigSchema } from '@anchorpost/proof-api-service';
import type { TxFileProof } from '@anchorpost/proofs';
import { startProofFixture, type FixtureBatch, type ProofFixture } from '@anchorpost/proofs/testing';
import { cidForBytes } from '@anchorpost/protocol';
import { createLogger, loadConfig, type RunningService } from '@anchorpost/service-kit';
import { assertFailure, cli } from './cli-process.ts';

let fixture: ProofFixture;
let service: RunningService;
let api: string;
let work: string;
let anchored: FixtureBatch;
let sealed: FixtureBatch;
let trustFile: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-proof-'));
  fixture = await startProofFixture();
  anchored = await fixture.anchoredBatch(4);
  await fixture.chain.mine(2);
  sealed = await fixture.sealBatch(2);
  service = await startProofApiService({
    config: loadConfig(proofApiConfigSchema, {
      ANCHORPOST_EVM_ANCHOR_CONTRACT: fixture.chain.contractAddress,
      ANCHORPOST_EVM_ANCHOR_SUBMITTERS: fixture.chain.owner.address,
    }),
    database: fixture.database,
    evm: { rpcUrls: [fixture.rpcUrl], chainId: Number(fixture.chainId) },
    logger: createLogger('proof-api', { destination: { write: () => undefined } }),
    port: 0,
    managementPort: 0,
    handleSignals: false,
  });
  api = service.urls.http!;
  // The platform's published trust roots, kept by the auditor as a file.
  trustFile = join(work, 'trust.json');
  await writeFile(trustFile, await (await fetch(`${api}/v1/trust-roots`)).text());
});

after(async () => {
  await service.close();
  await fixture.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost proof', { timeout: 60_000 }, () => {
  it('prints the proof of an anchored tx-file, or saves it with --out', async () => {
    const cid = anchored.entries[1]!;
    const printed = await cli('proof', cid, '--api', api);
    assert.equal(printed.status, 0, printed.stderr);
    const proof = JSON.parse(printed.stdout) as TxFileProof;
    assert.equal(proof.txFile, cid);
    assert.equal(proof.batch.cid, anchored.record.cid);
    assert.match(printed.stdout, /^\{\n {2}"/);

    const saved = await cli('proof', cid, '--api', api, '--out', join(work, 'proof.json'));
    assert.equal(saved.status, 0, saved.stderr);
    assert.equal(saved.stdout, '');
    const file = JSON.parse(await readFile(join(work, 'proof.json'), 'utf8')) as TxFileProof;
    assert.equal(file.txFile, cid);
  });

  it('verifies the proof with --verify as anchorpost verify does', async () => {
    const cid = anchored.entries[2]!;
    // No Ergo node here: the lower time bound is explicitly not asked for.
    const verify = ['--verify', '--trust', trustFile, '--evm-rpc', fixture.rpcUrl, '--no-lower-bound'];
    const verified = await cli('proof', cid, '--api', api, ...verify);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`^verified tx-file ${cid}\n`));
    assert.match(verified.stdout, /is canonical/);
    assert.match(verified.stdout, /trusted: every anchor is in the trust roots of anchorpost-local/);
    assertFailure(
      await cli('proof', cid, ...['--api', api, ...verify, '--min-confirmations', '1000']),
      'TOO_FEW_CONFIRMATIONS',
    );
    const claims = await cli(
      'proof',
      cid,
      '--api',
      api,
      '--verify',
      '--trust-proof-claims',
      '--evm-rpc',
      fixture.rpcUrl,
      '--no-lower-bound',
    );
    assert.equal(claims.status, 0, claims.stderr);
    assert.match(claims.stdout, /trusted: NOT CHECKED/);
  });

  it('exits 3 with the stage while pending, 1 with NOT_FOUND for an unknown CID', async () => {
    const pending = await cli('proof', sealed.entries[0]!, '--api', api);
    assert.equal(pending.status, 3, pending.stderr);
    assert.equal(pending.stdout, 'pending (sealed)\n');
    const unknown = await cidForBytes(new TextEncoder().encode('never sent'));
    assertFailure(await cli('proof', unknown, '--api', api), 'NOT_FOUND');
  });

  it('refuses bad arguments before asking the API', async () => {
    const cid = anchored.entries[0]!;
    assertFailure(await cli('proof', cid), 'USAGE', '-', 2);
    assertFailure(await cli('proof', cid, '--api', api, '--verify'), 'USAGE', '-', 2);
    assertFailure(await cli('proof', cid, '--api', api, '--evm-rpc', fixture.rpcUrl), 'USAGE', '-', 2);
    assertFailure(await cli('proof', cid, '--api', api, '--trust', trustFile), 'USAGE', '-', 2);
    // --verify fails closed without trust roots, before the API is asked.
    const closed = await cli('proof', cid, '--api', api, '--verify', '--evm-rpc', fixture.rpcUrl);
    assertFailure(closed, 'USAGE', '-', 2);
    assert.match(closed.stderr, /--trust TRUST\.json is required/);
    assertFailure(await cli('proof', cid, '--api', 'not a url'), 'USAGE', '-', 2);
    assertFailure(await cli('proof', 'not-a-cid', '--api', api), 'BAD_CID', 'cid');
    const usage = await cli('--help');
    assert.match(usage.stdout, /exit 0 proof, 1 error, 2 usage, 3 pending/);
  });
});
