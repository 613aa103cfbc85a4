/**
 * The relay's gRPC contract, loaded at run time from the workspace package `@anchorpost/proto`
 * (the one source of truth that `buf lint` checks), found by package name like any dependency.
 * The message types the loader hands over are generated from the same file with the same
 * options (`anchorpost-proto-types`, the `codegen` step, into src/generated).
 */
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';
import type { ProtoTypesSource } from '@anchorpost/proto-codegen';

export const RELAY_PROTO_FILE = 'anchorpost/relay/v1/relay_service.proto';
export const RELAY_SERVICE_NAME = 'anchorpost.relay.v1.RelayService';

/**
 * Loader options shared by the server, clients and the type generator (`anchorpost-proto-types`):
 * uint64 as decimal text, so no value is rounded.
 */
export const RELAY_PROTO_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The directory holding `anchorpost/relay/v1/relay_service.proto`: the root of `@anchorpost/proto`. */
export function relayProtoDir(): string {
  const file = fileURLToPath(import.meta.resolve(`@anchorpost/proto/${RELAY_PROTO_FILE}`));
  return file.slice(0, -RELAY_PROTO_FILE.length);
}

/** What the `codegen` step (`anchorpost-proto-types`) makes the types from: what the loader reads. */
export function protoTypesSource(): ProtoTypesSource {
  return { protoFile: RELAY_PROTO_FILE, protoDir: relayProtoDir(), options: RELAY_PROTO_OPTIONS };
}

export function loadRelayProto(): PackageDefinition {
  const dir = relayProtoDir();
  return loadSync(dir + RELAY_PROTO_FILE, { ...RELAY_PROTO_OPTIONS, includeDirs: [dir] });
}
