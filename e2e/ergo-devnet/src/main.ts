#!/usr/bin/env node
/**
 * `node e2e/ergo-devnet/dist/main.js [--port N] [--host H] [--network testnet|mainnet] [--auto-mine-ms MS] [--start-height H]`:
 * the Ergo node TEST DOUBLE in its own process, for the e2e cluster. Prints one JSON line with its
 * URL when it listens; stops on SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util';
import { startErgoDevnet } from './ergo-devnet.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    network: { type: 'string', default: 'testnet' },
    'auto-mine-ms': { type: 'string' },
    'start-height': { type: 'string', default: '1' },
  },
});
const network = values.network === 'mainnet' ? 'mainnet' : 'testnet';
const autoMine = values['auto-mine-ms'];
const devnet = await startErgoDevnet({
  host: values.host,
  port: Number(values.port),
  network,
  startHeight: Number(values['start-height']),
  ...(autoMine === undefined ? {} : { autoMineMs: Number(autoMine) }),
});
process.stdout.write(
  `${JSON.stringify({ msg: 'ergo devnet test double listening', url: devnet.url, network })}\n`,
);
const stop = (): void => {
  void devnet.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
