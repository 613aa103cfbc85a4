/**
 * A private anvil with the forwarder and the key registry deployed by dev account 0, a funded
 * sponsor (account 1), a funded stranger (account 2) and users made fresh with 0 ETH. Used by this
 * package's tests and, later, the sponsor service's.
 */
import { Wallet } from 'ethers';
import { JsonRpcPool, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { deploySponsorContracts } from '../deploy.ts';
import type { SponsorContractsDeployment } from '../deploy.ts';

export interface SponsorTestChain {
  readonly anvil: Anvil;
  readonly rpc: JsonRpcPool;
  readonly deployer: Wallet;
  /** Pays for sponsored transactions. */
  readonly sponsor: Wallet;
  /** A funded account that is not the sponsor: the attacker in tests. */
  readonly stranger: Wallet;
  readonly deployment: SponsorContractsDeployment;
  /** A new key with no ETH at all. */
  newUser(): Wallet;
  balanceOf(address: string): Promise<bigint>;
  latestTimestamp(): Promise<bigint>;
  close(): Promise<void>;
}

export async function startSponsorTestChain(): Promise<SponsorTestChain> {
  const anvil = await startAnvil();
  try {
    const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    const [deployer, sponsor, stranger] = anvil.privateKeys.slice(0, 3).map((key) => new Wallet(key)) as [
      Wallet,
      Wallet,
      Wallet,
    ];
    const deployment = await deploySponsorContracts(rpc, deployer);
    return {
      anvil,
      rpc,
      deployer,
      sponsor,
      stranger,
      deployment,
      newUser: () => new Wallet(Wallet.createRandom().privateKey),
      balanceOf: async (address) => BigInt(await rpc.request<string>('eth_getBalance', [address, 'latest'])),
      latestTimestamp: async () =>
        BigInt(
          (await rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false])).timestamp,
        ),
      close: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
