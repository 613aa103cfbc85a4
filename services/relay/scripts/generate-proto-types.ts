// Codegen: the relay's .proto (@anchorpost/proto) into src/generated, before build, typecheck, lint and test.
import { fileURLToPath } from 'node:url';
import { writeRelayProtoTypes } from './proto-types.ts';

const changed = writeRelayProtoTypes(fileURLToPath(new URL('../src/generated', import.meta.url)));
if (changed.length > 0) console.log(`proto types: ${changed.length} file(s) regenerated`);
