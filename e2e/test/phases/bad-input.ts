// Phase bad-input: each malformed class refused over HTTP and gRPC with its stable code (and, with
// Ergo, a file naming a block the chain does not have); oversized bodies are 413, unknown CIDs 404.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { malformedTxFiles } from '@anchorpost/protocol/testing';
import { loadRelayProto, RELAY_SERVICE_NAME } from '@anchorpost/relay-service';
import type { Scene } from './state.ts';

export async function badInput(scene: Scene): Promise<void> {
  const { system } = scene;
  const { files, madeUpBlockFile } = scene.load;
  const valid = files[0]!.bytes;
  const submit = (
    loadRelayProto()[RELAY_SERVICE_NAME] as Record<string, grpc.MethodDefinition<object, object>>
  ).SubmitTxFile!;
  const client = new grpc.Client(system.grpcAddress(), grpc.credentials.createInsecure());
  const apiKey = scene.load.clients.find((entry) => entry.tenant === 'acme')!.apiKey;
  const bearer = new grpc.Metadata();
  bearer.set('authorization', `Bearer ${apiKey}`);
  const grpcCode = (bytes: Uint8Array) =>
    new Promise<{ status: number | undefined; code: string | undefined }>((resolve) => {
      client.makeUnaryRequest(
        submit.path,
        submit.requestSerialize,
        submit.responseDeserialize,
        { tenantId: 'acme', txFile: bytes },
        bearer,
        (error: grpc.ServiceError | null) => {
          resolve({
            status: error?.code,
            code: error?.metadata.get('anchorpost-error-code')[0]?.toString(),
          });
        },
      );
    });
  try {
    for (const c of malformedTxFiles(valid)) {
      const response = await fetch(`${system.submitUrl(0)}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
        body: c.bytes,
      });
      assert.equal(response.status, 400, c.name);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, c.code, c.name);

      assert.deepEqual(
        await grpcCode(c.bytes),
        { status: grpc.status.INVALID_ARGUMENT, code: c.code },
        c.name,
      );
    }
    if (system.ergo?.relayChecksBlocks === true) {
      // A registered app's well-formed file naming a block the Ergo chain does not have.
      const response = await fetch(`${system.submitUrl(0)}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
        body: madeUpBlockFile!,
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'BLOCK_NOT_ON_CHAIN');
      assert.deepEqual(await grpcCode(madeUpBlockFile!), {
        status: grpc.status.INVALID_ARGUMENT,
        code: 'BLOCK_NOT_ON_CHAIN',
      });
    }
    const oversized = await fetch(`${system.submitUrl(0)}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
      body: new Uint8Array(2 * 1024 * 1024),
    });
    assert.equal(oversized.status, 413);
    const unknown = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
    assert.equal((await fetch(`${system.submitUrl(0)}/v1/tx-files/${unknown}`)).status, 404);
    assert.equal((await fetch(`${system.proofApiUrl()}/v1/proofs/${unknown}`)).status, 404);
  } finally {
    client.close();
  }
}
