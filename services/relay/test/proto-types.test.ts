// The generated gRPC types stay the .proto's: src/generated is what the generator makes of it now,
// a change to the .proto shows in that output, and the service wires exactly the RPCs declared.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createLogger } from '@anchorpost/service-kit';
import { relayGrpcService } from '../src/grpc/relay-grpc-service.ts';
import type { RelayCalls } from '../src/grpc/relay-grpc-service.ts';
import {
  loadRelayProto,
  protoTypesSource,
  RELAY_PROTO_FILE,
  RELAY_SERVICE_NAME,
  relayProtoDir,
} from '../src/grpc/relay-proto.ts';
import { readGeneratedTypes, renderProtoTypes } from '@anchorpost/proto-codegen';

const GENERATED = fileURLToPath(new URL('../src/generated', import.meta.url));

function renderRelayProtoTypes(protoDir = relayProtoDir()): Map<string, string> {
  return renderProtoTypes({ ...protoTypesSource(), protoDir });
}

/** A Relay stand-in for wiring only: no call reaches it. */
const relayNeverCalled: RelayCalls = {
  submit: () => Promise.reject(new Error('relayNeverCalled.submit')),
  getReceipt: () => Promise.reject(new Error('relayNeverCalled.getReceipt')),
  subscriptionStart: () => Promise.reject(new Error('relayNeverCalled.subscriptionStart')),
  subscribe: () => {
    throw new Error('relayNeverCalled.subscribe');
  },
};

describe('generated gRPC types', () => {
  it('src/generated is exactly what the generator makes of the .proto now', () => {
    const fresh = renderRelayProtoTypes();
    assert.ok(fresh.has('anchorpost/relay/v1/RelayService.ts'));
    assert.deepEqual(
      readGeneratedTypes(GENERATED),
      fresh,
      'stale: run `npm run codegen -w @anchorpost/relay-service`',
    );
  });

  it('sees a field added to the .proto', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-proto-'));
    try {
      await cp(relayProtoDir(), dir, { recursive: true });
      const file = join(dir, RELAY_PROTO_FILE);
      const text = await readFile(file, 'utf8');
      await writeFile(
        file,
        text.replace('message GetReceiptRequest {', 'message GetReceiptRequest {\n  string tenant_id = 2;'),
      );
      const changed = renderRelayProtoTypes(dir).get('anchorpost/relay/v1/GetReceiptRequest.ts');
      assert.match(changed ?? '', /'tenantId': \(string\);/);
      assert.notEqual(changed, readGeneratedTypes(GENERATED).get('anchorpost/relay/v1/GetReceiptRequest.ts'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the service has one handler per RPC of the .proto, and no other', () => {
    const declared = Object.keys(loadRelayProto()[RELAY_SERVICE_NAME]!).sort();
    const { implementation } = relayGrpcService({
      relay: relayNeverCalled,
      access: {
        authenticate: () => Promise.reject(new Error('never called')),
        checkEntitled: () => Promise.reject(new Error('never called')),
      },
      logger: createLogger('relay'),
    });
    assert.deepEqual(Object.keys(implementation).sort(), declared);
    assert.deepEqual(declared, ['GetReceipt', 'StoreKeyFile', 'SubmitTxFile', 'SubmitTxFiles', 'Subscribe']);
  });
});
