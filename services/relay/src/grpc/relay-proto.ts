/**
 * The relay's gRPC contract, loaded at run time from the repository's `proto/` directory (the one
 * source of truth that `buf lint` checks). This file sits at `services/relay/{src,dist}/grpc/`, so
 * the same relative path finds `proto/` from the TypeScript sources and from the build; a copy
 * next to the package (`services/relay/proto/`, e.g. in a container image) is looked at first.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';

export const RELAY_PROTO_FILE = 'anchorpost/relay/v1/relay_service.proto';
export const RELAY_SERVICE_NAME = 'anchorpost.relay.v1.RelayService';

const CANDIDATES = ['../../proto/', '../../../../proto/'];

/** Loader options shared by the server and clients: uint64 as decimal text, so no value is rounded. */
export const RELAY_PROTO_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The directory holding `anchorpost/relay/v1/relay_service.proto`. */
export function relayProtoDir(): string {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(dir + RELAY_PROTO_FILE)) return dir;
  }
  throw new Error(`${RELAY_PROTO_FILE} not found in ${CANDIDATES.join(' or ')} from ${import.meta.url}`);
}

export function loadRelayProto(): PackageDefinition {
  const dir = relayProtoDir();
  return loadSync(dir + RELAY_PROTO_FILE, { ...RELAY_PROTO_OPTIONS, includeDirs: [dir] });
}
