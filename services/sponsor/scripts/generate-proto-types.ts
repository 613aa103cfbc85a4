// Codegen: the sponsor's .proto (@anchorpost/proto) into src/generated, before build, typecheck,
// lint and test, through the shared generator (@anchorpost/proto-codegen) with the loader's own
// options.
import { runProtoCodegen } from '@anchorpost/proto-codegen';
import { SPONSOR_PROTO_FILE, SPONSOR_PROTO_OPTIONS, sponsorProtoDir } from '../src/grpc/sponsor-proto.ts';

runProtoCodegen(import.meta.url, {
  protoFile: SPONSOR_PROTO_FILE,
  protoDir: sponsorProtoDir(),
  options: SPONSOR_PROTO_OPTIONS,
});
