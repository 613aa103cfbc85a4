/** Opening a transaction-file with node:crypto: the engine's steps (../engine/open.ts) run synchronously. */
import { nodePrimitives } from '../engine/node-primitives.ts';
import { openTxFileSteps, type OpenedTxFile, type OpenTxFileOptions } from '../engine/open.ts';
import { runSync } from '../engine/primitives.ts';
import type { TxFile } from './schema.ts';

export type { OpenedTxFile, OpenTxFileOptions } from '../engine/open.ts';

export function openTxFile(tx: TxFile, options: OpenTxFileOptions): OpenedTxFile {
  return runSync(openTxFileSteps(tx, options), nodePrimitives);
}
