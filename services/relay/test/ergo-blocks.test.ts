// The relay service with ANCHORPOST_RELAY_ERGO_NODE_URL on the Ergo node test double: over HTTP
// and gRPC, a tx-file naming a made-up block id, a height above the tip or a trustedblock older
// than the window is refused with its stable code, field and retryable flag; with the node down
// the refusal is retryable (503 / UNAVAILABLE), and a file naming the chain's blocks is accepted.
// The node's network is checked once, at start, against ANCHORPOST_RELAY_ERGO_NETWORK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import type { ErgoDevnet } from '@anchorpost/ergo-devnet';
import type { TxBlockchain } from '@anchorpost/protocol';
import { ConfigError, loadConfig } from '@anchorpost/service-kit';
import { relayConfigSchema } from '../src/relay-config.ts';
import { GrpcTestClient, TENANT, trailers } from './grpc-fixture.ts';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';

const MAX_AGE = 30;

interface Refusal {
  httpStatus: number;
  grpcStatus: status;
  code: string;
  field: string | undefined;
  retryable: boolean;
}

describe(
  'relay service: the blocks a tx-file names are checked on its Ergo node',
  { timeout: 120_000 },
  () => {
    let devnet: ErgoDevnet;
    let f: RelayServiceFixture;
    let grpc: GrpcTestClient;
    /** Header ids by height, as mined. */
    const ids = new Map<number, string>();
    let tip = 0;

    const blocks = (last: number, trusted = last - 10): TxBlockchain => ({
      lastblock: { height: last, signature: ids.get(last) ?? 'ab'.repeat(32) },
      trustedblock: { height: trusted, signature: ids.get(trusted) ?? 'ab'.repeat(32) },
    });
    const overHttp = (bytes: Uint8Array) =>
      fetch(`${f.service.urls.http!}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', ...f.auth },
        body: bytes,
      });
    const overGrpc = (bytes: Uint8Array) => grpc.unary('SubmitTxFile', { tenantId: TENANT, txFile: bytes });

    /** Both transports refuse the file (two files, as each is fresh in its client's chain). */
    const refusedEverywhere = async (blockchain: TxBlockchain, expected: Refusal) => {
      const response = await overHttp(
        await f.txFile(`http ${expected.code}`, undefined, undefined, blockchain),
      );
      const body = (await response.json()) as { error: { code: string; field?: string; retryable: boolean } };
      assert.equal(response.status, expected.httpStatus, JSON.stringify(body));
      assert.deepEqual(
        { code: body.error.code, field: body.error.field, retryable: body.error.retryable },
        { code: expected.code, field: expected.field, retryable: expected.retryable },
      );
      const error = (await overGrpc(
        await f.txFile(`grpc ${expected.code}`, undefined, undefined, blockchain),
      ).then(
        () => assert.fail('gRPC accepted the file'),
        (caught: unknown) => caught,
      )) as ServiceError;
      assert.equal(error.code, expected.grpcStatus);
      const got = trailers(error);
      assert.equal(got['anchorpost-error-code'], expected.code);
      assert.equal(got['anchorpost-error-field'], expected.field);
      assert.equal(got['anchorpost-error-retryable'], String(expected.retryable));
    };

    before(async () => {
      devnet = await startErgoDevnet();
      const base = devnet.height;
      for (const [i, id] of devnet.mine(100).entries()) ids.set(base + i + 1, id);
      tip = devnet.height;
      f = await openRelayServiceFixture({
        ANCHORPOST_RELAY_ERGO_NODE_URL: devnet.url,
        ANCHORPOST_RELAY_ERGO_NETWORK: 'testnet',
        ANCHORPOST_RELAY_TRUSTEDBLOCK_MAX_AGE: String(MAX_AGE),
      });
      grpc = new GrpcTestClient(f.service.urls.grpc!, f.apiKey);
    });
    after(async () => {
      grpc.close();
      await f.close();
      await devnet.close();
    });

    it('accepts files naming blocks of the chain, over HTTP and gRPC', async () => {
      assert.equal(
        (await overHttp(await f.txFile('on chain', undefined, undefined, blocks(tip)))).status,
        201,
      );
      await overGrpc(await f.txFile('on chain too', undefined, undefined, blocks(tip - 1)));
    });

    it('refuses a made-up block id: 400 / INVALID_ARGUMENT BLOCK_NOT_ON_CHAIN', async () => {
      const garbage = blocks(tip);
      garbage.trustedblock.signature = 'ab'.repeat(32);
      await refusedEverywhere(garbage, {
        httpStatus: 400,
        grpcStatus: status.INVALID_ARGUMENT,
        code: 'BLOCK_NOT_ON_CHAIN',
        field: 'blockchain.trustedblock.signature',
        retryable: false,
      });
    });

    it('refuses a height above the tip: BLOCK_ABOVE_TIP, retryable', async () => {
      await refusedEverywhere(blocks(tip + 50, tip - 5), {
        httpStatus: 400,
        grpcStatus: status.INVALID_ARGUMENT,
        code: 'BLOCK_ABOVE_TIP',
        field: 'blockchain.lastblock.height',
        retryable: true,
      });
    });

    it('refuses a trustedblock older than the window: TRUSTEDBLOCK_TOO_OLD', async () => {
      await refusedEverywhere(blocks(tip - MAX_AGE, tip - MAX_AGE - 10), {
        httpStatus: 400,
        grpcStatus: status.INVALID_ARGUMENT,
        code: 'TRUSTEDBLOCK_TOO_OLD',
        field: 'blockchain.trustedblock.height',
        retryable: false,
      });
    });

    it('refuses while its Ergo node is down: 503 / UNAVAILABLE ERGO_NODE_UNAVAILABLE, retryable', async () => {
      // A relay whose node was up when it started, and stopped since.
      const node = await startErgoDevnet();
      const down = await openRelayServiceFixture({
        ANCHORPOST_RELAY_ERGO_NODE_URL: node.url,
        ANCHORPOST_RELAY_ERGO_NETWORK: 'testnet',
      });
      await node.close();
      const downGrpc = new GrpcTestClient(down.service.urls.grpc!, down.apiKey);
      try {
        const response = await fetch(`${down.service.urls.http!}/v1/tx-files`, {
          method: 'POST',
          headers: { 'content-type': 'application/yaml', ...down.auth },
          body: await down.txFile('node down', undefined, undefined, blocks(tip)),
        });
        const body = (await response.json()) as { error: { code: string; retryable: boolean } };
        assert.equal(response.status, 503);
        assert.deepEqual(body.error.code, 'ERGO_NODE_UNAVAILABLE');
        assert.equal(body.error.retryable, true);
        const error = (await downGrpc
          .unary('SubmitTxFile', {
            tenantId: TENANT,
            txFile: await down.txFile('node down too', undefined, undefined, blocks(tip)),
          })
          .then(
            () => assert.fail('gRPC accepted the file'),
            (caught: unknown) => caught,
          )) as ServiceError;
        assert.equal(error.code, status.UNAVAILABLE);
        assert.equal(trailers(error)['anchorpost-error-code'], 'ERGO_NODE_UNAVAILABLE');
        assert.equal(trailers(error)['anchorpost-error-retryable'], 'true');
      } finally {
        downGrpc.close();
        await down.close();
      }
    });
  },
);

describe('relay service: its Ergo node on a private network (devnet)', { timeout: 60_000 }, () => {
  let devnet: ErgoDevnet;
  let mined: string[];
  before(async () => {
    devnet = await startErgoDevnet({ network: 'devnet' });
    mined = devnet.mine(20);
  });
  after(() => devnet.close());

  it('starts configured devnet and checks blocks on it', async () => {
    const f = await openRelayServiceFixture({
      ANCHORPOST_RELAY_ERGO_NODE_URL: devnet.url,
      ANCHORPOST_RELAY_ERGO_NETWORK: 'devnet',
    });
    try {
      const response = await fetch(`${f.service.urls.http!}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', ...f.auth },
        body: await f.txFile('on devnet', undefined, undefined, {
          lastblock: { height: devnet.height, signature: mined.at(-1)! },
          trustedblock: { height: devnet.height - 10, signature: mined.at(-11)! },
        }),
      });
      assert.equal(response.status, 201);
    } finally {
      await f.close();
    }
  });

  it('refuses to start configured testnet: BAD_CONFIG naming ANCHORPOST_RELAY_ERGO_NETWORK', async () => {
    await assert.rejects(
      openRelayServiceFixture({
        ANCHORPOST_RELAY_ERGO_NODE_URL: devnet.url,
        ANCHORPOST_RELAY_ERGO_NETWORK: 'testnet',
      }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'ANCHORPOST_RELAY_ERGO_NETWORK' &&
        /the Ergo node is on devnet, configured testnet/.test(error.message),
    );
  });
});

describe('relay settings for the block check', () => {
  it('refuses an Ergo node URL that is no http(s) URL and a window below the protocol depth, naming the variable', () => {
    for (const [key, value] of [
      ['ANCHORPOST_RELAY_ERGO_NODE_URL', 'ftp://node:9053'],
      ['ANCHORPOST_RELAY_TRUSTEDBLOCK_MAX_AGE', '9'],
    ] as const) {
      assert.throws(
        () =>
          loadConfig(relayConfigSchema, {
            ANCHORPOST_RELAY_TENANTS_FILE: 't',
            ANCHORPOST_RELAY_KEY_FILE: 'k',
            [key]: value,
          }),
        (error: unknown) => error instanceof ConfigError && error.key === key,
      );
    }
    const defaults = loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_TENANTS_FILE: 't',
      ANCHORPOST_RELAY_KEY_FILE: 'k',
    });
    assert.equal(defaults.ergoNodeUrl, '');
    assert.equal(defaults.ergoNetwork, 'mainnet');
    assert.equal(defaults.trustedblockMaxAge, 720);
  });
});
