/**
 * The relay's gRPC contract (`RELAY_CONTRACT` of `@anchorpost/proto`, the one source of truth that
 * `buf lint` checks), under the names the relay's server, tests and benches use. The message types
 * the loader hands over are generated from the same file with the same options
 * (`anchorpost-proto-types`, the `codegen` step, into src/generated).
 */
import type { PackageDefinition } from '@grpc/proto-loader';
import { loadContract, RELAY_CONTRACT } from '@anchorpost/proto';
import type { ProtoContract } from '@anchorpost/proto';

export const RELAY_PROTO_FILE = RELAY_CONTRACT.protoFile;
export const RELAY_SERVICE_NAME = RELAY_CONTRACT.serviceName;
/** Loader options shared by the server, clients and the type generator: uint64 as decimal text. */
export const RELAY_PROTO_OPTIONS = RELAY_CONTRACT.options;

/** The directory holding `anchorpost/relay/v1/relay_service.proto`: the root of `@anchorpost/proto`. */
export function relayProtoDir(): string {
  return RELAY_CONTRACT.protoDir;
}

/** What the `codegen` step (`anchorpost-proto-types`) makes the types from: what the loader reads. */
export function protoTypesSource(): ProtoContract {
  return RELAY_CONTRACT;
}

export function loadRelayProto(): PackageDefinition {
  return loadContract(RELAY_CONTRACT);
}
