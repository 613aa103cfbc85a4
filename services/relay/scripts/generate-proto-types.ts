// Codegen: the relay's .proto (@anchorpost/proto) into src/generated, before build, typecheck, lint
// and test, through the shared generator (@anchorpost/proto-codegen) with the loader's own options.
import { runProtoCodegen } from '@anchorpost/proto-codegen';
import { RELAY_PROTO_FILE, RELAY_PROTO_OPTIONS, relayProtoDir } from '../src/grpc/relay-proto.ts';

runProtoCodegen(import.meta.url, {
  protoFile: RELAY_PROTO_FILE,
  protoDir: relayProtoDir(),
  options: RELAY_PROTO_OPTIONS,
});
