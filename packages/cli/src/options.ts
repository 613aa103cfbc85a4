/** Argument parsing on node:util parseArgs, turning its errors into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './failure.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommand<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; usage: ${usage}`);
  }
}
