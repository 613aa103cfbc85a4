// `anchorpost release since` as a child process against a real proof API (PGlite, anvil): the
// updater's store writes the deploy log, its outbox builds the real tx-files, the fixture anchors
// them; the command verifies every proof with --trust and, with the group, opens each record.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startProofApiService, proofApiConfigSchema } from '@anchorpost/proof-api-service';
import { startProofFixture, type ProofFixture } from '@anchorpost/proofs/testing';
import { cidForBytes, createGroup, generateIdentity, toPrivateKeyFile } from '@anchorpost/protocol';
import { createLogger, loadConfig, type RunningService } from '@anchorpost/service-kit';
import { anchorDeployLog } from '@anchorpost/updater-core';
import { PostgresUpdaterStore } from '@anchorpost/updater-service';
import { assertFailure, cli } from './cli-process.ts';

const VOTED = 'f0'.repeat(32);
const IDLE = '0f'.repeat(32);

let fixture: ProofFixture;
let service: RunningService;
let work: string;
let flags: string[];
let groupFlags: string[];
let api: string;

/** A proof API that lies: it serves `answer` for every digest. */
async function lyingApi(answer: unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-since-'));
  fixture = await startProofFixture();
  const client = await generateIdentity('modern');
  const group = await createGroup('modern', [client.public]);
  const store = new PostgresUpdaterStore(fixture.database.prisma);
  const record = { proposalId: '5', phase: 'done' as const };
  await store.save(record, [
    {
      proposalId: '5',
      step: 'verdict',
      outcome: 'ok',
      detail: { pins: `r@sha256:${VOTED} s@sha256:${IDLE}` },
    },
    { proposalId: '5', step: 'commit', outcome: 'ok', detail: { manifest: 'bafkreiv5', version: '5' } },
    { proposalId: '5', step: 'running', outcome: 'ok', detail: { running: `r@sha256:${VOTED}` } },
  ]);
  const cids: string[] = [];
  const blockchain = () =>
    Promise.resolve({
      lastblock: { height: 1_200_010, signature: 'a'.repeat(64) },
      trustedblock: { height: 1_200_000, signature: 'b'.repeat(64) },
    });
  await anchorDeployLog(
    store,
    { group: group.keys, client, blockchain },
    {
      submit: async (bytes) => {
        cids.push(await cidForBytes(bytes));
        return { cid: cids.at(-1)! };
      },
    },
  );
  const batch = await fixture.sealBatch(cids.length, { entries: cids });
  await fixture.recordAnchor(batch, await fixture.anchorOnChain(batch));
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
  const trust = join(work, 'trust.json');
  await writeFile(trust, await (await fetch(`${api}/v1/trust-roots`)).text());
  flags = ['--api', api, '--trust', trust, '--evm-rpc', fixture.rpcUrl, '--no-lower-bound'];
  const groupFile = join(work, 'group.json');
  const keyFile = join(work, 'key.json');
  await writeFile(groupFile, JSON.stringify(group.bundle));
  await writeFile(keyFile, JSON.stringify(toPrivateKeyFile(client)));
  groupFlags = ['--group', groupFile, '--key', keyFile];
});

after(async () => {
  await service.close();
  await fixture.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost release since', { timeout: 60_000 }, () => {
  it('verifies the release and the first running record of a running digest, opening each with the group', async () => {
    const run = await cli('release', 'since', `sha256:${VOTED}`, ...flags, ...groupFlags);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^sha256:${VOTED} voted: proposal 5, manifest bafkreiv5, version 5`));
    for (const step of ['verdict', 'commit', 'running']) {
      assert.match(
        run.stdout,
        new RegExp(`  ${step} record \\d .* proof verified, opened: the record itself`),
      );
    }
    assert.match(run.stdout, /running since \d{4}-/);
  });

  it('says a voted digest was never seen running (exit 4)', async () => {
    const run = await cli('release', 'since', IDLE, ...flags);
    assert.equal(run.status, 4, run.stderr);
    assert.match(run.stdout, /never seen running\n$/);
  });

  it("catches a proof API that lies: an edited record, another digest's record, another record's file", async () => {
    type Answer = Record<string, { record: { detail: Record<string, string> }; txFile: unknown } | null>;
    const real = async (digest: string) =>
      (await (await fetch(`${api}/v1/releases/digests/${digest}`)).json()) as Answer;
    const voted = await real(VOTED);
    const edited = structuredClone(voted);
    edited['running']!.record.detail['running'] = `r@sha256:${IDLE}`;
    const idle = await real(IDLE);
    const lies: [Answer, string, string[]?][] = [
      [edited, 'DEPLOY_LOG_BROKEN'],
      [{ ...idle, running: voted['running']! }, 'RECORD_MISMATCH'],
      [{ ...voted, commit: { ...voted['commit']!, txFile: voted['verdict']!.txFile } }, 'TX_FILE_MISMATCH'],
      // A genuine anchored file and its proof under another record: only opening it tells.
      [
        { ...voted, commit: { ...voted['verdict']!, record: voted['commit']!.record } },
        'RECORD_MISMATCH',
        groupFlags,
      ],
    ];
    for (const [answer, code, more = []] of lies) {
      const liar = await lyingApi(answer);
      try {
        const flagsThere = flags.map((flag) => (flag === api ? liar.url : flag));
        const digest = more.length === 0 && code === 'RECORD_MISMATCH' ? IDLE : VOTED;
        const run = await cli('release', 'since', digest, ...flagsThere, ...more);
        assert.equal(run.status, 1, `${code}: ${run.stdout}`);
        assert.match(run.stderr, new RegExp(`^ERROR ${code} `), code);
      } finally {
        await liar.close();
      }
    }
  });

  it('fails on a digest never voted with DIGEST_NOT_RELEASED, and on bad input before asking', async () => {
    assertFailure(await cli('release', 'since', 'ee'.repeat(32), ...flags), 'DIGEST_NOT_RELEASED', 'sha256');
    assertFailure(await cli('release', 'since', VOTED.toUpperCase(), ...flags), 'USAGE', undefined, 2);
  });
});
