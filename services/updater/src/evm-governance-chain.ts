/**
 * The GovernanceChain port on an EVM node: `eth_getLogs` of the Governor and the registry over a
 * block range (polling, no subscription), decoded with the contracts' ABI; a proposal's actions
 * read back by @anchorpost/release-governance's decodeReleaseProposal (anything but one call to the
 * registry's approve/approveRollback is not a release); a ReleaseApproved paired with the
 * ProposalExecuted of the same transaction, which names the proposal; registry reads at a block.
 */
import { getAddress } from 'ethers';
import type { Interface } from 'ethers';
import type { JsonRpcPool } from '@anchorpost/chains';
import {
  decodeReleaseProposal,
  PROPOSAL_STATES,
  releaseGovernorInterface,
  releaseRegistryInterface,
} from '@anchorpost/release-governance';
import { UpdaterError } from '@anchorpost/updater-core';
import type {
  GovernanceChain,
  GovernanceEvent,
  GovernorProposalState,
  RegistryState,
} from '@anchorpost/updater-core';

/** The JSON-RPC shapes read here (quantities are 0x-hex strings). */
interface RpcLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly blockNumber: string;
  readonly transactionHash: string;
  readonly logIndex: string;
  readonly removed?: boolean;
}

const toQuantity = (value: number): string => `0x${value.toString(16)}`;
const fromQuantity = (value: string): number => Number.parseInt(value, 16);

export interface EvmGovernanceChainOptions {
  readonly rpc: JsonRpcPool;
  readonly governor: string;
  readonly registry: string;
  /** The block the contracts were deployed in: searches for past events start there. Default 0. */
  readonly startBlock?: number;
}

export class EvmGovernanceChain implements GovernanceChain {
  readonly #rpc: JsonRpcPool;
  readonly #governor: string;
  readonly #registry: string;
  readonly #startBlock: number;

  constructor(options: EvmGovernanceChainOptions) {
    this.#rpc = options.rpc;
    this.#governor = getAddress(options.governor);
    this.#registry = getAddress(options.registry);
    this.#startBlock = options.startBlock ?? 0;
  }

  async head(): Promise<number> {
    return fromQuantity(await this.#request<string>('eth_blockNumber', []));
  }

  async blockHash(block: number): Promise<string | undefined> {
    const found = await this.#request<{ hash: string } | null>('eth_getBlockByNumber', [
      toQuantity(block),
      false,
    ]);
    return found === null ? undefined : found.hash.toLowerCase();
  }

  async events(fromBlock: number, toBlock: number): Promise<readonly GovernanceEvent[]> {
    const logs = await this.#request<RpcLog[]>('eth_getLogs', [
      {
        address: [this.#governor, this.#registry],
        fromBlock: toQuantity(fromBlock),
        toBlock: toQuantity(toBlock),
      },
    ]);
    const sorted = logs
      .filter((log) => log.removed !== true)
      .sort(
        (a, b) =>
          fromQuantity(a.blockNumber) - fromQuantity(b.blockNumber) ||
          fromQuantity(a.logIndex) - fromQuantity(b.logIndex),
      );
    const executedIn = new Map<string, string>();
    for (const log of sorted) {
      const parsed = this.#parse(log);
      if (parsed?.name === 'ProposalExecuted')
        executedIn.set(log.transactionHash, (parsed.args[0] as bigint).toString());
    }
    const events: GovernanceEvent[] = [];
    for (const log of sorted) {
      const event = this.#event(log, executedIn);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  async registry(block: number | 'latest'): Promise<RegistryState> {
    const tag = block === 'latest' ? 'latest' : toQuantity(block);
    const read = (name: string) => this.#call(this.#registry, releaseRegistryInterface, name, [], tag);
    const [[current], [highest], [paused], [pausedUntil]] = await Promise.all([
      read('current'),
      read('highestVersion'),
      read('paused'),
      read('pausedUntil'),
    ]);
    return {
      currentVersion: (current as { version: bigint }).version,
      highestVersion: highest as bigint,
      paused: paused as boolean,
      pausedUntil: pausedUntil as bigint,
    };
  }

  async proposalState(proposalId: string): Promise<GovernorProposalState> {
    const [state] = await this.#call(
      this.#governor,
      releaseGovernorInterface,
      'state',
      [proposalId],
      'latest',
    );
    return PROPOSAL_STATES[Number(state)]!;
  }

  async approvedRelease(
    version: bigint,
    block: number,
  ): Promise<{ manifestSha256: string; manifestCid: string } | undefined> {
    const [sha256] = await this.#call(
      this.#registry,
      releaseRegistryInterface,
      'approvedManifest',
      [version],
      toQuantity(block),
    );
    if (BigInt(sha256 as string) === 0n) return undefined;
    // The registry keeps the digest; the CID is in the event that approved it.
    const topics = releaseRegistryInterface.encodeFilterTopics('ReleaseApproved', [version, sha256]);
    const logs = await this.#request<RpcLog[]>('eth_getLogs', [
      {
        address: this.#registry,
        topics,
        fromBlock: toQuantity(this.#startBlock),
        toBlock: toQuantity(block),
      },
    ]);
    for (const log of logs) {
      const parsed = this.#parse(log);
      if (parsed?.name === 'ReleaseApproved' && parsed.args[3] === false) {
        return {
          manifestSha256: (sha256 as string).slice(2).toLowerCase(),
          manifestCid: parsed.args[2] as string,
        };
      }
    }
    return undefined;
  }

  #parse(log: RpcLog): ReturnType<Interface['parseLog']> {
    const contract =
      getAddress(log.address) === this.#registry ? releaseRegistryInterface : releaseGovernorInterface;
    try {
      return contract.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      return null;
    }
  }

  #event(log: RpcLog, executedIn: ReadonlyMap<string, string>): GovernanceEvent | undefined {
    const parsed = this.#parse(log);
    if (parsed === null) return undefined;
    const at = { block: fromQuantity(log.blockNumber), logIndex: fromQuantity(log.logIndex) };
    const id = (): string => (parsed.args[0] as bigint).toString();
    switch (parsed.name) {
      case 'ProposalCreated': {
        const [, , targets, values, , calldatas] = parsed.args as unknown as [
          bigint,
          string,
          string[],
          bigint[],
          string[],
          string[],
        ];
        try {
          const approval = decodeReleaseProposal(this.#registry, { targets, values, calldatas });
          return { kind: 'ProposalCreated', proposalId: id(), approval, ...at };
        } catch (error) {
          return {
            kind: 'ProposalCreated',
            proposalId: id(),
            approval: undefined,
            notRelease: (error as Error).message,
            ...at,
          };
        }
      }
      case 'ProposalQueued':
        return { kind: 'ProposalQueued', proposalId: id(), eta: parsed.args[1] as bigint, ...at };
      case 'ProposalCanceled':
        return { kind: 'ProposalCanceled', proposalId: id(), ...at };
      case 'ProposalExecuted':
        return { kind: 'ProposalExecuted', proposalId: id(), ...at };
      case 'ReleaseApproved': {
        const proposalId = executedIn.get(log.transactionHash);
        // Only the timelock calls approve, and only from the Governor's execute: a ReleaseApproved
        // without its ProposalExecuted would be a broken deployment, not a release to deploy.
        if (proposalId === undefined) return undefined;
        const [version, manifestSha256, manifestCid, rollback] = parsed.args as unknown as [
          bigint,
          string,
          string,
          boolean,
        ];
        return {
          kind: 'ReleaseApproved',
          proposalId,
          approval: { manifestSha256: manifestSha256.slice(2).toLowerCase(), manifestCid, version, rollback },
          ...at,
        };
      }
      default:
        return undefined;
    }
  }

  async #call(to: string, contract: Interface, name: string, args: readonly unknown[], tag: string) {
    const data = contract.encodeFunctionData(name, args);
    const result = await this.#request<string>('eth_call', [{ to, data }, tag]);
    return contract.decodeFunctionResult(name, result);
  }

  async #request<T>(method: string, params: readonly unknown[]): Promise<T> {
    try {
      return await this.#rpc.request<T>(method, params);
    } catch (error) {
      throw new UpdaterError(
        'UNAVAILABLE',
        `${method}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
