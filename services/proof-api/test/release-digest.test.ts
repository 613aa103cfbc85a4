/**
 * `GET /v1/releases/digests/{sha256}` against anvil and PGlite: the updater's outbox builds the
 * deploy log's real tx-files, the rows go into the updater's tables, the fixture seals and anchors them,
 * and the answer's proofs verify against the trust roots while its files open, with the deploy
 * log's group, to the very records it shows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startProofFixture } from '@anchorpost/proofs/testing';
import type { ProofFixture } from '@anchorpost/proofs/testing';
import { verifyProof } from '@anchorpost/proofs';
import type { TxFileProof } from '@anchorpost/proofs';
import { cidForBytes, fromBase64, openTxFile, parseTxFile } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import { canonicalJson } from '@anchorpost/release';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorDeployLog } from '@anchorpost/updater-core';
import type { DeployLogWriter } from '@anchorpost/updater-core';
import {
  deployLogWriterForTests,
  MemoryUpdaterStoreTestDouble,
  TxFileRelayTestDouble,
} from '@anchorpost/updater-core/testing';
import { proofApiConfigSchema } from '../src/proof-api-config.ts';
import { startProofApiService } from '../src/proof-api-service.ts';
import type { DigestReleaseAnswer } from '../src/release-digest-route.ts';

const RUNNING = 'a1'.repeat(32);
const NEVER_RUN = 'b2'.repeat(32);
const NEVER_VOTED = 'c3'.repeat(32);
const UNVOTED_RUNNING = 'e5'.repeat(32);
const pin = (hex: string, image = 'ghcr.io/anchorpost/relay') => `${image}@sha256:${hex}`;

describe('GET /v1/releases/digests/{sha256}', { timeout: 120_000 }, () => {
  let fixture: ProofFixture;
  let service: RunningService;
  let writer: DeployLogWriter;
  let keys: GroupKeys;
  const get = (digest: string) => fetch(`${service.urls.http!}/v1/releases/digests/${digest}`);

  before(async () => {
    fixture = await startProofFixture();
    ({ writer, keys } = await deployLogWriterForTests());
    // The log as the updater keeps it, built in memory and written into its tables below.
    const store = new MemoryUpdaterStoreTestDouble();
    const approval = {
      manifestSha256: 'ab'.repeat(32),
      manifestCid: 'bafkreimanifest',
      version: '3',
      rollback: false,
    };
    const at = (proposalId: string) => ({ proposalId, phase: 'done' as const, approval });
    await store.save(at('1'), [
      {
        proposalId: '1',
        step: 'verdict',
        outcome: 'ok',
        detail: { pins: `${pin(RUNNING)} ${pin(NEVER_RUN, 'x')}` },
      },
      {
        proposalId: '1',
        step: 'commit',
        outcome: 'ok',
        detail: { commit: 'c1', manifest: 'bafkreimanifest', version: '3' },
      },
    ]);
    await store.save(at('1'), [
      { proposalId: '1', step: 'sync', outcome: 'ok', detail: { revision: 'c1' } },
      // Argo CD runs the relay image as voted, and an `x` image nobody voted.
      {
        proposalId: '1',
        step: 'running',
        outcome: 'mismatch',
        detail: { running: `${pin(RUNNING)} ${pin(UNVOTED_RUNNING, 'x')}` },
      },
    ]);
    await store.save(at('1'), [
      { proposalId: '1', step: 'running', outcome: 'ok', detail: { running: pin(RUNNING) } },
    ]);
    // The first four records are anchored; the fifth is only built, not at the relay.
    const relay = new TxFileRelayTestDouble();
    await anchorDeployLog(store, writer, relay);
    await fixture.database.prisma.updaterDeployLog.createMany({
      data: (await store.deployLog()).map((entry) => ({
        ...entry,
        code: entry.code ?? null,
        recordedAt: new Date(entry.recordedAt),
      })),
    });
    await fixture.database.prisma.updaterDeployLogTxFile.createMany({
      data: (await store.deployLogTxFiles()).map(({ seq, cid, bytes, stateAfter }) => ({
        seq,
        cid,
        bytes: Buffer.from(bytes),
        stateAfter,
      })),
    });
    const batch = await fixture.sealBatch(4, { entries: relay.cids.slice(0, 4) });
    await fixture.recordAnchor(batch, await fixture.anchorOnChain(batch));
    service = await startProofApiService({
      config: loadConfig(proofApiConfigSchema, {}),
      database: fixture.database,
      evm: { rpcUrls: [fixture.rpcUrl], chainId: Number(fixture.chainId) },
      logger: createLogger('proof-api', { destination: { write: () => undefined } }),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
  });
  after(async () => {
    await service.close();
    await fixture.close();
  });

  it('answers a running digest with its release and first running record, each proof verifying', async () => {
    const response = await get(`sha256:${RUNNING}`);
    assert.equal(response.status, 200);
    const answer = (await response.json()) as DigestReleaseAnswer;
    assert.equal(answer.digest, `sha256:${RUNNING}`);
    assert.equal(answer.proposalId, '1');
    assert.equal(answer.manifest, 'bafkreimanifest');
    assert.equal(answer.version, '3');
    const running = answer.running;
    assert.ok(running !== null);
    assert.equal(running.record.seq, 4, 'the first running record, not the later one');
    assert.equal(answer.runningSince, running.record.recordedAt);
    for (const evidence of [answer.verdict, answer.commit, running]) {
      const proof = evidence.proof as TxFileProof;
      const verified = await verifyProof(proof, {
        evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
        trust: fixture.trustRoots,
        acceptNoLowerBound: true,
      });
      assert.equal(verified.txFile, evidence.txFile!.cid);
      const bytes = fromBase64(evidence.txFile!.bytes);
      assert.equal(await cidForBytes(bytes), evidence.txFile!.cid);
      const opened = openTxFile(parseTxFile(bytes), { group: keys });
      assert.equal(new TextDecoder().decode(opened.message.data), canonicalJson(evidence.record));
    }
  });

  it('says a voted digest was never seen running', async () => {
    const response = await get(NEVER_RUN);
    assert.equal(response.status, 200);
    const answer = (await response.json()) as DigestReleaseAnswer;
    assert.equal(answer.running, null);
    assert.equal(answer.runningSince, null);
    assert.equal((answer.commit.proof as TxFileProof).txFile, answer.commit.txFile!.cid);
  });

  it('refuses a digest no release pins with 404 DIGEST_NOT_RELEASED, naming one seen running', async () => {
    const never = await get(NEVER_VOTED);
    assert.equal(never.status, 404);
    const body = (await never.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'DIGEST_NOT_RELEASED');
    assert.doesNotMatch(body.error.message, /seen running/);
    const unvoted = (await (await get(UNVOTED_RUNNING)).json()) as {
      error: { code: string; message: string };
    };
    assert.equal(unvoted.error.code, 'DIGEST_NOT_RELEASED');
    assert.match(unvoted.error.message, /seen running/);
  });

  it('refuses stranger input with a stable code, never reaching the database', async () => {
    const cases: [string, number, string][] = [
      [RUNNING.toUpperCase(), 400, 'BAD_DIGEST'],
      [RUNNING.slice(1), 400, 'BAD_DIGEST'],
      [`sha512:${RUNNING}`, 400, 'BAD_DIGEST'],
      [`${RUNNING.slice(2)}%25`, 400, 'BAD_DIGEST'], // a LIKE wildcard
      [`${RUNNING.slice(2)}'--`, 400, 'BAD_DIGEST'],
      ['a'.repeat(200), 400, 'BAD_DIGEST'],
      ['a'.repeat(5000), 400, 'BAD_REQUEST'], // longer than any route parameter
    ];
    for (const [digest, status, code] of cases) {
      const response = await get(digest);
      assert.equal(response.status, status, digest.slice(0, 80));
      assert.equal(
        ((await response.json()) as { error: { code: string } }).error.code,
        code,
        digest.slice(0, 80),
      );
    }
  });
});
