/**
 * Deploys the forwarder, then the key registry that trusts it. Run by hand (or by a test) with a
 * funded deployer; neither contract has an owner, so nothing is left to hand over afterwards.
 */
import { deployContract as deploy } from '@anchorpost/chains';
import type { JsonRpcPool, TransactionSigner } from '@anchorpost/chains';
import { anchorpostKeyRegistryInterface } from './contracts.ts';
import { anchorpostForwarderBytecode } from './generated/anchorpost-forwarder.ts';
import { anchorpostKeyRegistryBytecode } from './generated/anchorpost-key-registry.ts';

export interface SponsorContractsDeployment {
  readonly chainId: bigint;
  readonly forwarder: string;
  readonly keyRegistry: string;
  /** Where to start reading the contracts' events. */
  readonly deployBlock: number;
}

export async function deploySponsorContracts(
  rpc: JsonRpcPool,
  deployer: TransactionSigner,
): Promise<SponsorContractsDeployment> {
  const chainId = BigInt(await rpc.request<string>('eth_chainId', []));
  const forwarder = await deploy(rpc, deployer, anchorpostForwarderBytecode);
  const constructorArgs = anchorpostKeyRegistryInterface.encodeDeploy([forwarder.address]).slice(2);
  const keyRegistry = await deploy(rpc, deployer, anchorpostKeyRegistryBytecode + constructorArgs);
  return {
    chainId,
    forwarder: forwarder.address,
    keyRegistry: keyRegistry.address,
    deployBlock: forwarder.blockNumber,
  };
}
