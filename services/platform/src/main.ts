#!/usr/bin/env node
/**
 * `npm start`: the whole platform on this machine, embedded defaults, one data folder.
 *   anchorpost-platform            start, print the endpoints, stop cleanly on Ctrl-C / SIGTERM
 *   anchorpost-platform rebuild    empty the index and restore it from the chain and storage alone
 * A bad setting stops it before anything starts, naming the variable.
 */
import { stopOnSignals } from '@anchorpost/runtime';
import { ConfigError, createLogger } from '@anchorpost/service-kit';
import { rebuildPlatformIndex, startPlatform } from './platform.ts';

const USAGE = 'usage: anchorpost-platform [start | rebuild]\n';

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`ERROR BAD_CONFIG ${error.key}: ${error.message}\n`);
    process.exit(2);
  }
  const { code } = error as { code?: unknown };
  process.stderr.write(
    `ERROR ${typeof code === 'string' ? code : 'INTERNAL'} -: ${(error as Error).message}\n`,
  );
  process.exit(1);
}

async function start(): Promise<void> {
  const logger = createLogger('platform');
  const platform = await startPlatform({ logger });
  const lines = [
    '',
    'Anchorpost is running (embedded mode).',
    `  ${'data-folder'.padEnd(15)} ${platform.dirs.root}`,
    ...Object.entries(platform.endpoints).map(([name, url]) => `  ${name.padEnd(15)} ${url}`),
    `  ${'anchor-contract'.padEnd(15)} ${platform.chain.contractAddress} (chain ${platform.chain.chainId})`,
    `  ${'tenants'.padEnd(15)} ${platform.dirs.tenants}`,
    `  ${'trust-roots'.padEnd(15)} ${platform.dirs.trust}`,
    'Ctrl-C stops it; a second start resumes from the same folder.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  stopOnSignals(logger, () => platform.close());
}

async function rebuild(): Promise<void> {
  const result = await rebuildPlatformIndex({ logger: createLogger('platform') });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const [command = 'start', ...rest] = process.argv.slice(2);
if (rest.length > 0 || !['start', 'rebuild'].includes(command)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
(command === 'rebuild' ? rebuild() : start()).catch(fail);
