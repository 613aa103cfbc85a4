import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  FIXTURE_PLATFORM,
  FIXTURE_TRUSTEDBLOCK_HEIGHT,
  FIXTURE_TRUSTEDBLOCK_ID,
  startProofFixture,
} from '@anchorpost/proofs/testing';
import type { FixtureBatch, FixtureAnchor, ProofFixture } from '@anchorpost/proofs/testing';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import { isProofError, parseTrustRoots, verifyProof } from '@anchorpost/proofs';
import type { TxFileProof } from '@anchorpost/proofs';
import { cidForBytes, dagCborCid, fromBase64 } from '@anchorpost/protocol';
import { ConfigError, createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { EvmHead } from '../src/evm-head.ts';
import { proofApiConfigSchema } from '../src/proof-api-config.ts';
import { ProofApiError } from '../src/proof-api-error.ts';
import { proofApiRoutes } from '../src/proof-api-routes.ts';
import { startProofApiService } from '../src/proof-api-service.ts';
import { publishedTrustRoots } from '../src/published-trust-roots.ts';

const RECIPIENT = 'ab'.repeat(64); // every fixture tx-file's recipient

interface ErrorBody {
  error: { code: string; field?: string };
}

describe('proof API against anvil and PGlite', { timeout: 120_000 }, () => {
  let fixture: ProofFixture;
  let service: RunningService;
  let url: string;
  let anchored: FixtureBatch & { anchor: FixtureAnchor };
  let sealed: FixtureBatch;
  let accepted: string;
  const get = (path: string) => fetch(`${url}${path}`);

  before(async () => {
    fixture = await startProofFixture();
    anchored = await fixture.anchoredBatch(5);
    sealed = await fixture.sealBatch(3);
    accepted = await cidForBytes(new TextEncoder().encode('accepted by the relay, not sealed yet'));
    await fixture.database.receipts.insertReceipt({
      cid: accepted,
      sequence: await fixture.database.receipts.nextSequence(),
      recipientHash: RECIPIENT,
      acceptedAt: new Date().toISOString(),
      relayKeyId: 'relay-key-1',
      signature: 'ff'.repeat(64),
    });
    service = await startProofApiService({
      // The platform's settings the published trust roots come from.
      config: loadConfig(proofApiConfigSchema, {
        ANCHORPOST_PLATFORM_ID: FIXTURE_PLATFORM,
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
    url = service.urls.http!;
  });
  after(async () => {
    await service.close();
    await service.close(); // idempotent
    await fixture.close();
  });

  it('reads its settings from ANCHORPOST_PROOF_API_*, naming a bad variable', () => {
    const defaults = loadConfig(proofApiConfigSchema, {});
    assert.equal(defaults.cacheMaxAgeSeconds, 10);
    assert.throws(
      () => loadConfig(proofApiConfigSchema, { ANCHORPOST_PROOF_API_CACHE_MAX_AGE_SECONDS: '-1' }),
      (error: unknown) =>
        error instanceof ConfigError && error.key === 'ANCHORPOST_PROOF_API_CACHE_MAX_AGE_SECONDS',
    );
  });

  it('checks its Ergo node network once, at start: devnet starts and serves, testnet refuses to start', async () => {
    const devnet = await startErgoDevnet({ network: 'devnet' });
    const start = (network: 'devnet' | 'testnet') =>
      startProofApiService({
        config: loadConfig(proofApiConfigSchema, {}),
        database: fixture.database,
        evm: { rpcUrls: [fixture.rpcUrl], chainId: Number(fixture.chainId) },
        ergo: { nodeUrls: [devnet.url], network },
        logger: createLogger('proof-api', { destination: { write: () => undefined } }),
        port: 0,
        handleSignals: false,
      });
    try {
      await assert.rejects(
        start('testnet'),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.key === 'ANCHORPOST_ERGO_NETWORK' &&
          /the Ergo node is on devnet, configured testnet/.test(error.message),
      );
      const onDevnet = await start('devnet');
      try {
        const proof = await fetch(`${onDevnet.urls.http!}/v1/proofs/${anchored.entries[0]!}`);
        assert.equal(proof.status, 200, 'a proof request never meets BAD_CONFIG');
        assert.equal((await fetch(`${onDevnet.urls.http!}/readyz`)).status, 200);
      } finally {
        await onDevnet.close();
      }
    } finally {
      await devnet.close();
    }
  });

  it('serves a proof of an anchored tx-file that verifyProof accepts against the chain', async () => {
    const cid = anchored.entries[2]!;
    const response = await get(`/v1/proofs/${cid}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=10');
    const proof = (await response.json()) as TxFileProof;
    assert.equal(proof.txFile, cid);
    assert.equal(proof.batch.cid, anchored.record.cid);
    const [evm] = proof.anchors;
    assert.ok(evm?.chain === 'evm');
    assert.equal(evm.txHash, anchored.anchor.txHash);
    assert.ok(proof.anchors[0]!.confirmations >= 1);
    // The tx-file's trustedblock as the index kept it: height and block id.
    assert.deepEqual(proof.timeBound.notBefore, {
      chain: 'ergo',
      height: FIXTURE_TRUSTEDBLOCK_HEIGHT,
      blockId: FIXTURE_TRUSTEDBLOCK_ID,
    });
    const verified = await verifyProof(proof, {
      evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
      trust: fixture.trustRoots,
      // No Ergo node in this suite: the lower bound is explicitly not established.
      acceptNoLowerBound: true,
    });
    assert.equal(verified.index, 2);
    assert.equal(verified.batch.count, 5);
    // v3: the header comes with the root block the index kept (no storage asked), bound to the CID.
    assert.equal(proof.version, 4);
    assert.equal(dagCborCid(fromBase64(proof.batch.rootBlock!)).toString(), proof.batch.cid);
    assert.equal(verified.batchHeader, 'anchored');
    const edited = { ...proof, batch: { ...proof.batch, count: 6 } };
    await assert.rejects(
      verifyProof(edited, {
        evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
        trust: fixture.trustRoots,
        acceptNoLowerBound: true,
      }),
      (error: unknown) =>
        isProofError(error) && error.code === 'BATCH_HEADER_MISMATCH' && error.field === 'batch.count',
    );
  });

  it('answers 202 pending while a tx-file is sealed but not anchored, or only accepted', async () => {
    const sealedResponse = await get(`/v1/proofs/${sealed.entries[0]!}`);
    assert.equal(sealedResponse.status, 202);
    assert.equal(sealedResponse.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await sealedResponse.json(), {
      cid: sealed.entries[0],
      status: 'pending',
      stage: 'sealed',
    });
    const acceptedResponse = await get(`/v1/proofs/${accepted}`);
    assert.equal(acceptedResponse.status, 202);
    assert.deepEqual(await acceptedResponse.json(), { cid: accepted, status: 'pending', stage: 'accepted' });
  });

  it('answers 404 for an unknown CID and 400 BAD_CID for a malformed one', async () => {
    const unknown = await cidForBytes(new TextEncoder().encode('never submitted'));
    const missing = await get(`/v1/proofs/${unknown}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('cache-control'), 'no-store');
    assert.equal(((await missing.json()) as ErrorBody).error.code, 'NOT_FOUND');
    for (const bad of ['not-a-cid', anchored.entries[0]!.toUpperCase(), 'Qm' + 'a'.repeat(44)]) {
      const response = await get(`/v1/proofs/${bad}`);
      assert.equal(response.status, 400, bad);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error.code, 'BAD_CID');
      assert.equal(body.error.field, 'cid');
    }
  });

  it('serves a batch with its anchors; 404 for an unknown one', async () => {
    const response = await get(`/v1/batches/${anchored.record.cid}`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(body, {
      cid: anchored.record.cid,
      platform: anchored.record.platform,
      sequence: 0,
      root: anchored.record.merkleRoot,
      size: 5,
      previous: null,
      sealedAt: anchored.record.sealedAt,
      anchors: [
        {
          chain: 'evm',
          chainId: fixture.chainId,
          contract: fixture.chain.contractAddress,
          txHash: anchored.anchor.txHash,
          blockNumber: anchored.anchor.blockNumber,
          blockHash: anchored.anchor.blockHash,
          blockTime: anchored.anchor.blockTime,
          status: 'pending',
        },
      ],
    });
    const next = (await (await get(`/v1/batches/${sealed.record.cid}`)).json()) as Record<string, unknown>;
    assert.equal(next.previous, anchored.record.cid);
    assert.deepEqual(next.anchors, []);
    assert.equal((await get(`/v1/batches/${accepted}`)).status, 404);
    assert.equal((await get('/v1/batches/nope')).status, 400);
  });

  it('lists a recipient messages page by page with their batch', async () => {
    const seen: { cid: string; batchCid: string | null }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `recipient=${RECIPIENT}&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`;
      const response = await get(`/v1/messages?${query}`);
      assert.equal(response.status, 200);
      const page = (await response.json()) as {
        items: { cid: string; batchCid: string | null }[];
        cursor: string | null;
      };
      seen.push(...page.items);
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen.map((item) => item.cid),
      [...anchored.entries, ...sealed.entries],
    );
    assert.equal(seen[0]!.batchCid, anchored.record.cid);
    assert.equal(seen[7]!.batchCid, sealed.record.cid);
    const all = (await (await get(`/v1/messages?recipient=${RECIPIENT}`)).json()) as { items: unknown[] };
    assert.equal(all.items.length, 8); // default limit 100
  });

  it('refuses a bad recipient, limit or cursor with 400', async () => {
    const cases: [string, string][] = [
      ['', 'BAD_REQUEST'],
      [`recipient=${'AB'.repeat(64)}`, 'BAD_REQUEST'],
      [`recipient=${'ab'.repeat(63)}`, 'BAD_REQUEST'],
      [`recipient=${RECIPIENT}&limit=0`, 'BAD_REQUEST'],
      [`recipient=${RECIPIENT}&limit=1001`, 'BAD_REQUEST'],
      [`recipient=${RECIPIENT}&limit=ten`, 'BAD_REQUEST'],
      [`recipient=${RECIPIENT}&cursor=not-a-cursor`, 'BAD_CURSOR'],
    ];
    for (const [query, code] of cases) {
      const response = await get(`/v1/messages?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(((await response.json()) as ErrorBody).error.code, code, query);
    }
  });

  it('describes every /v1 route in /openapi.json with the schemas the routes use', async () => {
    const response = await get('/openapi.json');
    assert.equal(response.status, 200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    };
    assert.equal(document.openapi, '3.1.0');
    const routes = proofApiRoutes({
      database: fixture.database,
      receipts: fixture.database.receipts,
      deployLog: fixture.database,
      head: new EvmHead({ rpcUrls: [fixture.rpcUrl], chainId: Number(fixture.chainId), cacheMs: 0 }),
      cacheMaxAgeSeconds: 0,
      trustRoots: { trustRoots: fixture.trustRoots },
    });
    assert.equal(routes.length, 5);
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = document.paths[path]?.[String(route.method).toLowerCase()];
      assert.ok(operation, `${String(route.method)} ${route.url} is not in /openapi.json`);
      const schema = route.schema as { response: Record<string, unknown> };
      for (const [status, body] of Object.entries(schema.response)) {
        assert.deepEqual(
          operation.responses[status]?.content,
          { 'application/json': { schema: JSON.parse(JSON.stringify(body)) as unknown } },
          `${route.url} ${status}`,
        );
      }
    }
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/v1/batches/{cid}',
      '/v1/messages',
      '/v1/proofs/{cid}',
      '/v1/releases/digests/{sha256}',
      '/v1/trust-roots',
    ]);
  });

  it('publishes its trust roots, under which its proofs verify', async () => {
    const response = await get('/v1/trust-roots');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=10');
    const trust = parseTrustRoots(await response.json());
    assert.deepEqual(trust, fixture.trustRoots);
    const proof = (await (await get(`/v1/proofs/${anchored.entries[1]!}`)).json()) as TxFileProof;
    const verified = await verifyProof(proof, {
      evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
      trust,
      acceptNoLowerBound: true,
    });
    assert.equal(verified.trusted, 'trust-roots');
    // Another key's roots: the same proof is refused.
    const other = parseTrustRoots({
      ...trust,
      evm: [{ ...trust.evm[0]!, submitters: [fixture.chain.otherSubmitter.address] }],
    });
    await assert.rejects(
      verifyProof(proof, {
        evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
        trust: other,
        acceptNoLowerBound: true,
      }),
      (error: unknown) => isProofError(error) && error.code === 'UNTRUSTED_ANCHOR',
    );
  });

  it('builds the trust roots from the settings, naming what is missing; the route refuses then', async () => {
    const settings = (env: Record<string, string>) => loadConfig(proofApiConfigSchema, env);
    const contract = fixture.chain.contractAddress;
    const submitters = `${fixture.chain.owner.address}, ${fixture.chain.otherSubmitter.address}`;
    assert.deepEqual(publishedTrustRoots(settings({}), { evmChainId: 1, ergoNetwork: 'testnet' }), {
      missing: [
        'ANCHORPOST_EVM_ANCHOR_CONTRACT',
        'ANCHORPOST_EVM_ANCHOR_SUBMITTERS',
        'ANCHORPOST_ERGO_TOKEN_ID',
        'ANCHORPOST_ERGO_MINT_TX_ID',
      ],
    });
    const full = publishedTrustRoots(
      settings({
        ANCHORPOST_EVM_ANCHOR_CONTRACT: contract,
        ANCHORPOST_EVM_ANCHOR_SUBMITTERS: submitters,
        ANCHORPOST_ERGO_TOKEN_ID: 'AB'.repeat(32),
        ANCHORPOST_ERGO_MINT_TX_ID: 'cd'.repeat(32),
      }),
      { evmChainId: 31_337, ergoNetwork: 'testnet' },
    );
    assert.ok('trustRoots' in full);
    assert.deepEqual(full.trustRoots, {
      version: 1,
      platform: 'anchorpost-local',
      evm: [
        {
          chainId: '31337',
          contract: contract.toLowerCase(),
          submitters: [fixture.chain.owner.address, fixture.chain.otherSubmitter.address].map((a) =>
            a.toLowerCase(),
          ),
        },
      ],
      ergo: [{ network: 'testnet', tokenId: 'ab'.repeat(32), mintTxId: 'cd'.repeat(32) }],
    });
    assert.throws(
      () => settings({ ANCHORPOST_EVM_ANCHOR_SUBMITTERS: `${submitters};0x12` }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_EVM_ANCHOR_SUBMITTERS',
    );
    const route = proofApiRoutes({
      database: fixture.database,
      receipts: fixture.database.receipts,
      deployLog: fixture.database,
      head: new EvmHead({ rpcUrls: [fixture.rpcUrl], chainId: Number(fixture.chainId), cacheMs: 0 }),
      cacheMaxAgeSeconds: 0,
      trustRoots: { missing: ['ANCHORPOST_EVM_ANCHOR_SUBMITTERS'] },
    }).find((r) => r.url === '/v1/trust-roots')!;
    const reply = { header: () => reply };
    await assert.rejects(
      async () => {
        await (route.handler as (request: unknown, reply: unknown) => Promise<unknown>)({}, reply);
      },
      (error: unknown) =>
        error instanceof ProofApiError &&
        error.code === 'TRUST_ROOTS_NOT_CONFIGURED' &&
        /ANCHORPOST_EVM_ANCHOR_SUBMITTERS/.test(error.message),
    );
  });

  it('is ready with the database and chain reachable, and counts proofs served by status', async () => {
    assert.equal((await get('/readyz')).status, 200);
    const metrics = await (await fetch(`${service.urls.management!}/metrics`)).text();
    assert.match(metrics, /^anchorpost_proof_api_proofs_served_total\{status="200"\} [1-9]/m);
    assert.match(metrics, /^anchorpost_proof_api_proofs_served_total\{status="202"\} 2$/m);
    assert.match(metrics, /^anchorpost_proof_api_proofs_served_total\{status="404"\} 1$/m);
    assert.match(metrics, /^anchorpost_proof_api_proof_assembly_seconds_count [1-9]/m);
  });

  it('is not ready when the chain node cannot be reached', async () => {
    const stray = await startProofApiService({
      config: loadConfig(proofApiConfigSchema, {}),
      database: fixture.database,
      evm: { rpcUrls: ['http://127.0.0.1:9'], chainId: Number(fixture.chainId), rpcTimeoutMs: 500 },
      logger: createLogger('proof-api', { destination: { write: () => undefined } }),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    try {
      assert.deepEqual(await (await fetch(`${stray.urls.http!}/readyz`)).json(), { status: 'not-ready' });
      const ready = await fetch(`${stray.urls.management!}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
      assert.equal(body.checks.database?.ok, true);
      assert.equal(body.checks.chain?.ok, false);
      // A proof needs the head: the chain being down is a retryable 503, not a 500.
      const proof = await fetch(`${stray.urls.http!}/v1/proofs/${anchored.entries[0]!}`);
      assert.equal(proof.status, 503);
    } finally {
      await stray.close();
    }
  });
});
