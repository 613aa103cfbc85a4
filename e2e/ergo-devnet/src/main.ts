#!/usr/bin/env node
/**
 * `node e2e/ergo-devnet/dist/main.js [--port N] [--host H] [--network testnet|mainnet|devnet]
 *   [--auto-mine-ms MS] [--start-height H] [--min-fee NANOERG] [--indexer-lag BLOCKS]
 *   [--index-order newest-first|oldest-first] [--data-dir DIR] [--quiet]`:
 * the Ergo node TEST DOUBLE in its own process, for the e2e cluster. With --data-dir its chain is
 * kept in DIR, and a double started again on DIR (after a kill too) has the same blocks. Prints one JSON line on stdout
 * with its URL when it listens; events (transactions accepted or refused, funds, rollbacks) go to
 * stderr as JSON lines unless --quiet; stops on SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util';
import { startErgoDevnet } from './ergo-devnet.ts';
import { TEST_DOUBLE_NAME } from './node-api.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    network: { type: 'string', default: 'testnet' },
    'auto-mine-ms': { type: 'string' },
    'start-height': { type: 'string', default: '1' },
    'min-fee': { type: 'string', default: '1000000' },
    'indexer-lag': { type: 'string', default: '0' },
    'index-order': { type: 'string', default: 'newest-first' },
    'data-dir': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`${JSON.stringify({ name: TEST_DOUBLE_NAME, level: 'error', msg: message })}\n`);
  process.exit(2);
}

const whole = (name: string, text: string): number => {
  if (!/^\d+$/.test(text)) fail(`--${name}: expected a whole number, got ${text}`);
  return Number(text);
};
if (values.network !== 'testnet' && values.network !== 'mainnet' && values.network !== 'devnet')
  fail('--network: testnet, mainnet or devnet');
const indexOrder = values['index-order'];
if (indexOrder !== 'newest-first' && indexOrder !== 'oldest-first')
  fail('--index-order: newest-first or oldest-first');
const autoMine = values['auto-mine-ms'];
const log = (event: Record<string, unknown>): void => {
  process.stderr.write(
    `${JSON.stringify({ name: TEST_DOUBLE_NAME, time: new Date().toISOString(), ...event })}\n`,
  );
};

const devnet = await startErgoDevnet({
  host: values.host,
  port: whole('port', values.port),
  network: values.network,
  startHeight: whole('start-height', values['start-height']),
  minFee: BigInt(whole('min-fee', values['min-fee'])),
  indexerLag: whole('indexer-lag', values['indexer-lag']),
  indexOrder,
  ...(autoMine === undefined ? {} : { autoMineMs: whole('auto-mine-ms', autoMine) }),
  ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
  ...(values.quiet ? {} : { log }),
});
process.stdout.write(
  `${JSON.stringify({ name: TEST_DOUBLE_NAME, msg: 'ergo devnet test double listening', url: devnet.url, network: devnet.network, height: devnet.height })}\n`,
);
const stop = (): void => {
  void devnet.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
