/** Building a transaction-file with node:crypto: the engine's steps (../engine/build.ts) run synchronously. */
import { buildTxFileSteps, type BuildTxFileInput } from '../engine/build.ts';
import { nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import type { TxFile } from './schema.ts';

export type { BuildTxFileInput } from '../engine/build.ts';

export function buildTxFile(input: BuildTxFileInput): TxFile {
  return runSync(buildTxFileSteps(input), nodePrimitives);
}
