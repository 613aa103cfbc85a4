/**
 * The sponsor's gRPC contract (`SPONSOR_CONTRACT` of `@anchorpost/proto`, the one source of truth
 * that `buf lint` checks). The message types the loader hands over are generated from the same
 * file with the same options (`anchorpost-proto-types`, the `codegen` step, into src/generated).
 */
import type { PackageDefinition } from '@grpc/proto-loader';
import { loadContract, SPONSOR_CONTRACT } from '@anchorpost/proto';
import type { ProtoContract } from '@anchorpost/proto';

export const SPONSOR_PROTO_FILE = SPONSOR_CONTRACT.protoFile;
export const SPONSOR_SERVICE_NAME = SPONSOR_CONTRACT.serviceName;

/** What the `codegen` step (`anchorpost-proto-types`) makes the types from: what the loader reads. */
export function protoTypesSource(): ProtoContract {
  return SPONSOR_CONTRACT;
}

export function loadSponsorProto(): PackageDefinition {
  return loadContract(SPONSOR_CONTRACT);
}
