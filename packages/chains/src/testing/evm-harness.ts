/**
 * A ChainHarness on a private anvil: fresh chain, AnchorpostAnchor deployed by dev account 0
 * (owner and the adapter's signer), dev account 1 authorized as a second submitter, dev account 2
 * a stranger with its own look-alike contract. Used by this package's tests and by services'.
 */
import { Wallet } from 'ethers';
import type { AnchorRequest } from '../anchor-request.ts';
import type { AnchorRequestStore } from '../anchor-request-store.ts';
import { deployAnchorContract, encodeAnchorCall } from '../evm/anchor-contract.ts';
import { startAnvil } from '../evm/anvil.ts';
import type { Anvil, AnvilOptions } from '../evm/anvil.ts';
import { EvmChain } from '../evm/evm-chain.ts';
import type { EvmChainOptions } from '../evm/evm-chain.ts';
import { JsonRpcPool } from '../evm/json-rpc-pool.ts';
import { toQuantity } from '../evm/rpc-types.ts';
import { sendTransactionAndWait } from '../evm/send-transaction.ts';
import type { ChainHarness } from './contract.ts';

export type EvmChainTuning = Partial<Omit<EvmChainOptions, 'store' | 'chainId' | 'contractAddress'>>;

export interface EvmTestChain extends ChainHarness {
  readonly anvil: Anvil;
  readonly rpc: JsonRpcPool;
  readonly owner: Wallet;
  readonly otherSubmitter: Wallet;
  readonly stranger: Wallet;
  readonly contractAddress: string;
  readonly deployBlock: number;
  /** open() with per-call changes (another signer, RPC list, fee settings). */
  openWith(store: AnchorRequestStore, tuning: EvmChainTuning): EvmChain;
  open(store: AnchorRequestStore): EvmChain;
  reorg(depth: number): Promise<void>;
  forgeAnchor(request: AnchorRequest): Promise<void>;
  /** Raw JSON-RPC against the anvil (evm_*, anvil_* methods). */
  call<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
}

export interface EvmTestChainOptions {
  readonly anvil?: AnvilOptions;
  /** Defaults for open(): confirmations 3, finalityDepth 6, logPageBlocks 5, replaceAfterMs 1 h. */
  readonly tuning?: EvmChainTuning;
}

export async function startEvmTestChain(options: EvmTestChainOptions = {}): Promise<EvmTestChain> {
  const anvil = await startAnvil(options.anvil);
  try {
    const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    const [owner, otherSubmitter, stranger] = [0, 1, 2].map((i) => new Wallet(anvil.privateKeys[i]!)) as [
      Wallet,
      Wallet,
      Wallet,
    ];
    const deployed = await deployAnchorContract(owner, {
      rpc,
      submitters: [owner.address, otherSubmitter.address],
    });
    const lookAlike = await deployAnchorContract(stranger, { rpc });
    const defaults: EvmChainTuning = {
      rpcUrls: [anvil.rpcUrl],
      signer: owner,
      confirmations: 3,
      finalityDepth: 6,
      logPageBlocks: 5,
      replaceAfterMs: 3_600_000,
      ...options.tuning,
    };
    const openWith = (store: AnchorRequestStore, tuning: EvmChainTuning): EvmChain =>
      new EvmChain({
        ...defaults,
        ...tuning,
        rpcUrls: tuning.rpcUrls ?? defaults.rpcUrls ?? [anvil.rpcUrl],
        signer: tuning.signer ?? defaults.signer ?? owner,
        store,
        chainId: anvil.chainId,
        contractAddress: deployed.address,
        deployBlock: deployed.blockNumber,
      });
    const call = <T>(method: string, params: readonly unknown[] = []): Promise<T> =>
      rpc.request<T>(method, params);
    const anchorVia = async (signer: Wallet, contract: string, request: AnchorRequest): Promise<void> => {
      const data = encodeAnchorCall(request.root, request.batchCid, request.sequence);
      await sendTransactionAndWait(rpc, signer, { to: contract, data });
    };
    return {
      anvil,
      rpc,
      owner,
      otherSubmitter,
      stranger,
      contractAddress: deployed.address,
      deployBlock: deployed.blockNumber,
      confirmations: defaults.confirmations ?? 3,
      finalityDepth: defaults.finalityDepth ?? 6,
      openWith,
      open: (store) => openWith(store, {}),
      call,
      mine: async (blocks) => {
        await call('anvil_mine', [toQuantity(blocks)]);
      },
      reorg: async (depth) => {
        await call('anvil_reorg', [depth, []]);
      },
      anchorElsewhere: (request) => anchorVia(otherSubmitter, deployed.address, request),
      forgeAnchor: (request) => anchorVia(stranger, lookAlike.address, request),
      close: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
