/** `anchorpost cid FILE`: the CIDv1 Kubo would give the file, streamed so any size works. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { cidForChunks } from '@anchorpost/protocol';
import { CliError, UsageError } from '../failure.ts';

export async function cidCommand(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError('usage: anchorpost cid FILE');
  const path = args[0]!;
  if (!(await stat(path)).isFile()) throw new CliError('IO_NOT_A_FILE', path, 'not a regular file');
  process.stdout.write(`${await cidForChunks(createReadStream(path, { highWaterMark: 256 * 1024 }))}\n`);
  return 0;
}
