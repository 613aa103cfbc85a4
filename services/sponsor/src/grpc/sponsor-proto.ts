/**
 * The sponsor's gRPC contract, loaded at run time from the workspace package `@anchorpost/proto`
 * (the one source of truth that `buf lint` checks). The message types the loader hands over are
 * generated from the same file with the same options (`anchorpost-proto-types`, the `codegen`
 * step, into src/generated).
 */
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';
import type { ProtoTypesSource } from '@anchorpost/proto-codegen';

export const SPONSOR_PROTO_FILE = 'anchorpost/sponsor/v1/sponsor_service.proto';
export const SPONSOR_SERVICE_NAME = 'anchorpost.sponsor.v1.SponsorService';

/** Loader options shared by the server, clients and the type generator. */
export const SPONSOR_PROTO_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The root of `@anchorpost/proto`. */
export function sponsorProtoDir(): string {
  const file = fileURLToPath(import.meta.resolve(`@anchorpost/proto/${SPONSOR_PROTO_FILE}`));
  return file.slice(0, -SPONSOR_PROTO_FILE.length);
}

/** What the `codegen` step (`anchorpost-proto-types`) makes the types from: what the loader reads. */
export function protoTypesSource(): ProtoTypesSource {
  return { protoFile: SPONSOR_PROTO_FILE, protoDir: sponsorProtoDir(), options: SPONSOR_PROTO_OPTIONS };
}

export function loadSponsorProto(): PackageDefinition {
  const dir = sponsorProtoDir();
  return loadSync(dir + SPONSOR_PROTO_FILE, { ...SPONSOR_PROTO_OPTIONS, includeDirs: [dir] });
}
