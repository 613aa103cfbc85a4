// The sponsor's generated gRPC types stay the .proto's: src/generated is exactly what the shared
// generator (@anchorpost/proto-codegen) makes of it now, with the options the loader uses.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { readGeneratedTypes, renderProtoTypes } from '@anchorpost/proto-codegen';
import { protoTypesSource } from '../src/grpc/sponsor-proto.ts';

const GENERATED = fileURLToPath(new URL('../src/generated', import.meta.url));

describe('generated gRPC types', () => {
  it('src/generated is exactly what the generator makes of the .proto now', () => {
    const fresh = renderProtoTypes(protoTypesSource());
    assert.ok(fresh.has('anchorpost/sponsor/v1/SponsorService.ts'));
    assert.deepEqual(
      readGeneratedTypes(GENERATED),
      fresh,
      'stale: run `npm run codegen -w @anchorpost/sponsor-service`',
    );
  });
});
