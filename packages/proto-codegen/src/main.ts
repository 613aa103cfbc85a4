/**
 * `anchorpost-proto-types <proto module>`: the `codegen` step of a service that serves a .proto,
 * run in the service's folder (`"codegen": "anchorpost-proto-types src/grpc/relay-proto.ts"`).
 * The proto module is the one the service loads its .proto with; it exports `protoTypesSource()`
 * (the file, the proto root and the loader's options), so the types are made from exactly what
 * the loader reads. They go to the service's `src/generated`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runProtoCodegen } from './proto-types.ts';
import type { ProtoTypesSource } from './proto-types.ts';

const USAGE = 'usage: anchorpost-proto-types <proto module, e.g. src/grpc/relay-proto.ts>';

/** Runs the command in `serviceDir`; answers the exit code (2: used wrongly). */
export async function run(args: readonly string[], serviceDir = process.cwd()): Promise<number> {
  const [modulePath, ...extra] = args;
  if (modulePath === undefined || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const module = (await import(pathToFileURL(resolve(serviceDir, modulePath)).href)) as {
    protoTypesSource?: unknown;
  };
  if (typeof module.protoTypesSource !== 'function') {
    console.error(`${modulePath} exports no protoTypesSource()`);
    return 2;
  }
  runProtoCodegen(serviceDir, (module.protoTypesSource as () => ProtoTypesSource)());
  return 0;
}
