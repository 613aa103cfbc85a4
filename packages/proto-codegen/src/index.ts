/** @anchorpost/proto-codegen — the `codegen` build step of the services that serve a .proto. */
export {
  generatorFlags,
  readGeneratedTypes,
  renderProtoTypes,
  runProtoCodegen,
  writeProtoTypes,
} from './proto-types.ts';
export type { ProtoTypesSource } from './proto-types.ts';
