/**
 * The gRPC contracts as code: where each `.proto` is, which service it declares, and the one set
 * of loader options that every server, client and type generator reads it with — so the types
 * generated at build time (`anchorpost-proto-types`) describe exactly the objects the loader hands
 * over at run time. The relay, the sponsor and the SDK load their contracts from here.
 */
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';

/** uint64 as decimal text (nothing rounded), enums as names, defaults filled in, oneofs named. */
export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

export interface ProtoContract {
  /** The .proto, relative to `protoDir`: `anchorpost/relay/v1/relay_service.proto`. */
  readonly protoFile: string;
  /** The service it declares, fully qualified: `anchorpost.relay.v1.RelayService`. */
  readonly serviceName: string;
  /** The root the file and its imports are found under: this package's folder, with a trailing separator. */
  readonly protoDir: string;
  /** The loader options (PROTO_LOADER_OPTIONS). */
  readonly options: Options;
}

/** This package's folder, where the `anchorpost/…` tree of .proto files is (src/ and dist/ sit beside it). */
const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));

function contract(protoFile: string, serviceName: string): ProtoContract {
  return Object.freeze({ protoFile, serviceName, protoDir: PACKAGE_DIR, options: PROTO_LOADER_OPTIONS });
}

export const RELAY_CONTRACT = contract(
  'anchorpost/relay/v1/relay_service.proto',
  'anchorpost.relay.v1.RelayService',
);

export const SPONSOR_CONTRACT = contract(
  'anchorpost/sponsor/v1/sponsor_service.proto',
  'anchorpost.sponsor.v1.SponsorService',
);

/** The contract's package definition, as a grpc-js server or client takes it. */
export function loadContract(source: ProtoContract): PackageDefinition {
  return loadSync(source.protoDir + source.protoFile, { ...source.options, includeDirs: [source.protoDir] });
}
