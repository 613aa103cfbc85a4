/**
 * The embedded platform's EVM chain: anvil with its state in the data folder, the anchor contract
 * deployed on first start and found again on the next.
 *
 * Anvil runs as a child process. If the platform was killed (SIGKILL) the child outlives it, so
 * its pid is kept in the data folder and a leftover anvil is stopped (SIGTERM: it saves its state)
 * before a new one starts. Anvil saves its state every few seconds; blocks made after the last
 * save are lost in a hard crash, which the anchorer and parser see as an ordinary reorg.
 *
 * The keys are anvil's public development keys: this chain exists only on this machine.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Wallet } from 'ethers';
import { deployAnchorContract, JsonRpcPool, startAnvil, type Anvil } from '@anchorpost/chains';
import type { Logger } from '@anchorpost/service-kit';
import type { DataDir } from './data-dir.ts';

export interface LocalChain {
  readonly anvil: Anvil;
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly contractAddress: string;
  readonly deployBlock: number;
  /** Owner of the contract and its submitter (anvil's first development account). */
  readonly signer: Wallet;
  stop(): Promise<void>;
}

interface Deployment {
  chainId: number;
  contractAddress: string;
  deployBlock: number;
  txHash: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops an anvil left running by a platform that was killed. */
async function stopLeftover(pidFile: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return;
  }
  if (!Number.isSafeInteger(pid) || pid <= 1 || !alive(pid)) return;
  let command = '';
  try {
    command = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // Not Linux, or gone: only a process we can identify is stopped.
  }
  if (!command.includes('anvil')) return;
  logger.warn({ pid }, 'stopping the anvil left by a platform that did not stop cleanly');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i += 1) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

async function readDeployment(path: string): Promise<Deployment | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Deployment;
  } catch {
    return null;
  }
}

export async function startLocalChain(options: {
  dirs: DataDir;
  port: number;
  chainId: number;
  blockTime: number;
  logger: Logger;
}): Promise<LocalChain> {
  const { dirs, logger } = options;
  await stopLeftover(dirs.anvilPid, logger);
  const anvil = await startAnvil({
    port: options.port,
    chainId: options.chainId,
    blockTime: options.blockTime,
    stateFile: dirs.anvilState,
    stateIntervalSeconds: 2,
  });
  await writeFile(dirs.anvilPid, `${anvil.pid}\n`);
  const stop = async () => {
    await anvil.stop();
    await rm(dirs.anvilPid, { force: true });
  };
  try {
    const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    const signer = new Wallet(anvil.privateKeys[0]!);
    let deployment = await readDeployment(dirs.deployment);
    const code = deployment
      ? await rpc.request<string>('eth_getCode', [deployment.contractAddress, 'latest'])
      : '0x';
    if (deployment === null || deployment.chainId !== anvil.chainId || code === '0x') {
      if (deployment !== null) {
        logger.warn(
          { contract: deployment.contractAddress },
          'the anchor contract is gone from the local chain (its state was lost): deploying a new one',
        );
      }
      const deployed = await deployAnchorContract(signer, { rpc });
      deployment = {
        chainId: anvil.chainId,
        contractAddress: deployed.address,
        deployBlock: deployed.blockNumber,
        txHash: deployed.txHash,
      };
      await writeFile(dirs.deployment, `${JSON.stringify(deployment, null, 2)}\n`);
      logger.info({ contract: deployed.address, block: deployed.blockNumber }, 'anchor contract deployed');
    }
    return {
      anvil,
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      contractAddress: deployment.contractAddress,
      deployBlock: deployment.deployBlock,
      signer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
