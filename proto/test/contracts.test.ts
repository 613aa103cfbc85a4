// Each contract names a file that exists under the package, declares the service it says it does,
// and loads with the shared options (uint64 as text: what the generated types promise).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { loadContract, PROTO_LOADER_OPTIONS, RELAY_CONTRACT, SPONSOR_CONTRACT } from '../src/index.ts';

describe('the gRPC contracts', () => {
  for (const [name, contract, method] of [
    ['relay', RELAY_CONTRACT, 'SubmitTxFile'],
    ['sponsor', SPONSOR_CONTRACT, 'RequestSponsorship'],
  ] as const) {
    it(`${name}: its file is in the package and declares ${contract.serviceName}`, () => {
      assert.ok(existsSync(contract.protoDir + contract.protoFile), contract.protoDir + contract.protoFile);
      const definition = loadContract(contract);
      const service = definition[contract.serviceName] as ServiceDefinition | undefined;
      assert.ok(service !== undefined, `no ${contract.serviceName}`);
      assert.ok(method in service, Object.keys(service).join(', '));
      assert.equal(contract.options, PROTO_LOADER_OPTIONS);
    });
  }

  it('hands a uint64 over as decimal text, every digit kept (what the generated types promise)', () => {
    const service = loadContract(RELAY_CONTRACT)[RELAY_CONTRACT.serviceName] as ServiceDefinition;
    const method = service['SubmitTxFile']!;
    const largest = '18446744073709551615';
    const bytes = method.responseSerialize({ receipt: { version: 1, sequence: largest }, duplicate: true });
    const decoded = method.responseDeserialize(bytes) as { receipt: { sequence: unknown; cid: unknown } };
    assert.equal(decoded.receipt.sequence, largest);
    assert.equal(decoded.receipt.cid, ''); // defaults: true
  });
});
