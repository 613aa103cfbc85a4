/**
 * `anchorpost ergo mint-marker --node URL --network NET --mnemonic-file FILE [--float ERG] [--fee NANOERG]`:
 * mints the platform's marker token once (ADR 0012), putting `--float` ERG (default 1) into the
 * first anchor box to pay later anchoring fees, and prints the settings the anchorer, the parser
 * and the proof API (its published trust roots) need. `anchorpost ergo address --network NET
 * --mnemonic-file FILE` prints the wallet's address (EIP-3, m/44'/429'/0'/0/0) to fund first.
 */
import { readFile } from 'node:fs/promises';
import {
  ChainError,
  checkErgoNodeNetwork,
  ErgoNodeClient,
  ErgoWallet,
  isErgoNetwork,
  mintMarker,
} from '@anchorpost/chains';
import type { ErgoNetwork } from '@anchorpost/chains';
import { CliError, UsageError } from '../failure.ts';
import { parseCommand } from '../options.ts';

export const ERGO_USAGE = [
  'anchorpost ergo address --network mainnet|testnet|devnet --mnemonic-file FILE',
  'anchorpost ergo mint-marker --node URL --network mainnet|testnet|devnet --mnemonic-file FILE [--float ERG] [--fee NANOERG]',
].join('\n  ');

const ERG_RE = /^\d{1,10}(\.\d{1,9})?$/;

function network(text: string | undefined): ErgoNetwork {
  if (!isErgoNetwork(text))
    throw new UsageError(`--network must be mainnet, testnet or devnet; usage: ${ERGO_USAGE}`);
  return text;
}

async function wallet(path: string | undefined, net: ErgoNetwork): Promise<ErgoWallet> {
  if (path === undefined) throw new UsageError(`--mnemonic-file is required; usage: ${ERGO_USAGE}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(
      'NOT_FOUND',
      'mnemonic-file',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  try {
    return ErgoWallet.fromMnemonic({ mnemonic: text, network: net });
  } catch {
    // Never echo the phrase.
    throw new CliError('BAD_CONFIG', 'mnemonic-file', `${path} does not hold a valid BIP-39 mnemonic`);
  }
}

function nanoErg(erg: string): bigint {
  const [whole = '0', fraction = ''] = erg.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

export async function ergoCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseCommand(
    rest,
    {
      node: { type: 'string' },
      network: { type: 'string' },
      'mnemonic-file': { type: 'string' },
      float: { type: 'string' },
      fee: { type: 'string' },
    },
    ERGO_USAGE,
  );
  const net = network(values.network);
  const key = await wallet(values['mnemonic-file'], net);
  if (sub === 'address') {
    process.stdout.write(`${key.address}\n`);
    return 0;
  }
  if (sub !== 'mint-marker') throw new UsageError(`usage: ${ERGO_USAGE}`);
  if (values.node === undefined) throw new UsageError(`--node is required; usage: ${ERGO_USAGE}`);
  const float = values.float ?? '1';
  if (!ERG_RE.test(float))
    throw new UsageError(`--float must be an ERG amount like 1 or 0.5; usage: ${ERGO_USAGE}`);
  const fee = values.fee ?? '1100000';
  if (!/^\d{1,12}$/.test(fee))
    throw new UsageError(`--fee must be nanoERG as an integer; usage: ${ERGO_USAGE}`);
  try {
    const client = new ErgoNodeClient({ urls: [values.node] });
    // A marker minted on another network than the settings name would anchor nothing there.
    await checkErgoNodeNetwork(client, net, '--network');
    const minted = await mintMarker({
      client,
      wallet: key,
      float: nanoErg(float),
      fee: BigInt(fee),
    });
    process.stdout.write(
      [
        `minted the marker token in transaction ${minted.txId} from ${minted.address}`,
        `ANCHORPOST_ERGO_NETWORK=${net}`,
        `ANCHORPOST_ERGO_TOKEN_ID=${minted.tokenId}`,
        `ANCHORPOST_ERGO_START_HEIGHT=${minted.startHeight}`,
        `ANCHORPOST_ERGO_MINT_TX_ID=${minted.txId}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof ChainError) throw new CliError(error.code, 'ergo', error.message);
    throw error;
  }
}
