// The Ergo node TEST DOUBLE (e2e/ergo-devnet) as its own process, with a funded wallet and the
// platform's marker token minted through `anchorpost ergo mint-marker` — the operator's path.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErgoWallet } from '@anchorpost/chains';
import { spawnErgoDevnet } from '@anchorpost/ergo-devnet';
import { Mnemonic } from 'ethers';
import { freePort } from './cluster/free-port.ts';
import { REPO } from './platform-process.ts';

const run = promisify(execFile);
const CLI = join(REPO, 'packages/cli/bin/anchorpost.js');

export interface ErgoDevnetProcess {
  readonly url: string;
  readonly tokenId: string;
  /** The env that points the platform's services at it. */
  readonly env: Record<string, string>;
  /** Rolls back `blocks` blocks, dropping their transactions (a node that lost them). */
  rollback(blocks: number): Promise<void>;
  /** SIGSTOP: the node neither answers nor mines (calls to it hang) until `resume`. */
  suspend(): void;
  resume(): void;
  /**
   * SIGKILL, then the double started again on the same port and data folder: the same chain, an
   * empty pool (a node's restart). Resolves once it listens again.
   */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Starts the double in `dir`, funds a fresh wallet and mints the marker; blocks every `blockMs`.
 * Its chain starts at `startHeight`, so that the tx-files' `trustedblock` heights exist on it.
 */
export async function startErgoDevnetProcess(
  dir: string,
  startHeight: number,
  blockMs = 400,
): Promise<ErgoDevnetProcess> {
  // A port below the ephemeral range, so that it is still free when the double comes back on it.
  const port = await freePort();
  const args = [
    ...['--port', String(port), '--auto-mine-ms', String(blockMs), '--start-height', String(startHeight)],
    ...['--data-dir', join(dir, 'ergo-chain')],
  ];
  // Its events (transactions, funds, rollbacks, restarts) go to a file beside the services' logs.
  const events = createWriteStream(join(dir, 'ergo-node.log'), { flags: 'a' });
  let current = await spawnErgoDevnet(args, events);
  const { url } = current;
  const stop = async () => {
    const { child, exited } = current;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    }
    events.end();
  };
  try {
    const mnemonicFile = join(dir, 'ergo-mnemonic');
    const phrase = Mnemonic.fromEntropy(randomBytes(16)).phrase;
    await writeFile(mnemonicFile, `${phrase}\n`, { mode: 0o600 });
    const { address } = ErgoWallet.fromMnemonic({ mnemonic: phrase, network: 'testnet' });
    await post(`${url}/devnet/fund`, { address, value: '100000000000' });
    const { stdout } = await run(process.execPath, [
      CLI,
      'ergo',
      'mint-marker',
      '--node',
      url,
      '--network',
      'testnet',
      '--mnemonic-file',
      mnemonicFile,
      '--float',
      '50',
    ]);
    const setting = (name: string) => new RegExp(`^${name}=(\\S+)$`, 'm').exec(stdout)?.[1];
    const tokenId = setting('ANCHORPOST_ERGO_TOKEN_ID');
    const startHeight = setting('ANCHORPOST_ERGO_START_HEIGHT');
    const mintTxId = setting('ANCHORPOST_ERGO_MINT_TX_ID');
    if (tokenId === undefined || startHeight === undefined || mintTxId === undefined)
      throw new Error(`mint-marker said: ${stdout}`);
    return {
      url,
      tokenId,
      env: {
        ANCHORPOST_ERGO_NODE_URLS: url,
        ANCHORPOST_ERGO_NETWORK: 'testnet',
        ANCHORPOST_ERGO_TOKEN_ID: tokenId,
        ANCHORPOST_ERGO_START_HEIGHT: startHeight,
        ANCHORPOST_ERGO_MINT_TX_ID: mintTxId,
        ANCHORPOST_ERGO_MNEMONIC_FILE: mnemonicFile,
        // Indexed at depth 2, so a 3-block rollback reaches anchors the proofs already carry.
        ANCHORPOST_ERGO_CONFIRMATIONS: '2',
        ANCHORPOST_ERGO_FINALITY_DEPTH: '40',
      },
      async rollback(blocks) {
        await post(`${url}/devnet/rollback`, { blocks, dropTransactions: true });
      },
      suspend: () => current.child.kill('SIGSTOP'),
      resume: () => current.child.kill('SIGCONT'),
      async restart(downMs = 0) {
        current.child.kill('SIGKILL');
        await current.exited;
        await new Promise((resolve) => setTimeout(resolve, downMs));
        current = await spawnErgoDevnet(args, events);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
