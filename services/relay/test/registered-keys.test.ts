// The relay service with ANCHORPOST_RELAY_KEY_REGISTRY on anvil's AnchorpostKeyRegistry: the
// attack is a tenant's client sending with a key it never published; the relay refuses it over
// HTTP (403 KEY_NOT_REGISTERED, field transaction.client.id) and over gRPC (PERMISSION_DENIED, the
// code in the trailers), stores and publishes nothing; once the key is published, the same
// client's files are accepted. Without the chain's RPC the setting is refused at start.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { sendTransactionAndWait } from '@anchorpost/chains';
import { fingerprint } from '@anchorpost/protocol';
import { ConfigError } from '@anchorpost/service-kit';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { GrpcTestClient, TENANT, trailers } from './grpc-fixture.ts';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';

describe('relay service: client keys must be published in the key registry', { timeout: 120_000 }, () => {
  let chain: SponsorTestChain;
  let f: RelayServiceFixture;
  let grpc: GrpcTestClient;

  const overHttp = async (text: string) =>
    fetch(`${f.service.urls.http!}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...f.auth },
      body: await f.txFile(text),
    });
  const acceptedFiles = () => f.database.prisma.relayReceipt.count();

  before(async () => {
    chain = await startSponsorTestChain();
    f = await openRelayServiceFixture(
      {
        ANCHORPOST_RELAY_KEY_REGISTRY: chain.deployment.keyRegistry,
        ANCHORPOST_RELAY_KEY_REGISTRY_DEPLOY_BLOCK: String(chain.deployment.deployBlock),
      },
      { evmRpc: { rpcUrls: [chain.anvil.rpcUrl] } },
    );
    grpc = new GrpcTestClient(f.service.urls.grpc!, f.apiKey);
  });
  after(async () => {
    grpc.close();
    await f.close();
    await chain.close();
  });

  it('refuses a file signed by an unpublished client key, over HTTP and gRPC, keeping nothing', async () => {
    const response = await overHttp('unpublished');
    const body = (await response.json()) as { error: { code: string; field?: string; retryable: boolean } };
    assert.equal(response.status, 403, JSON.stringify(body));
    assert.deepEqual(body.error.code, 'KEY_NOT_REGISTERED');
    assert.equal(body.error.field, 'transaction.client.id');
    assert.equal(body.error.retryable, false);

    const error = (await grpc
      .unary('SubmitTxFile', { tenantId: TENANT, txFile: await f.txFile('unpublished, gRPC') })
      .then(
        () => assert.fail('gRPC accepted the file'),
        (caught: unknown) => caught,
      )) as ServiceError;
    assert.equal(error.code, status.PERMISSION_DENIED);
    assert.equal(trailers(error)['anchorpost-error-code'], 'KEY_NOT_REGISTERED');
    assert.equal(await acceptedFiles(), 0, 'no receipt, nothing published');
  });

  it('accepts the same client once an identity has published its key', async () => {
    const key = `0x${fingerprint(f.app.public)}`;
    await sendTransactionAndWait(chain.rpc, chain.stranger, {
      to: chain.deployment.keyRegistry,
      data: registry.encodeFunctionData('register', [key, 'modern', CID, chain.stranger.address]),
    });
    assert.equal((await overHttp('published')).status, 201);
    assert.equal(await acceptedFiles(), 1);
  });

  it('refuses the setting without the chain to read it on (a ConfigError at start)', async () => {
    await assert.rejects(
      openRelayServiceFixture({ ANCHORPOST_RELAY_KEY_REGISTRY: chain.deployment.keyRegistry }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.includes('ANCHORPOST_RELAY_KEY_REGISTRY'),
    );
  });
});
