/**
 * The AnchorpostAnchor contract from the EVM side: its ABI (generated from
 * contracts/AnchorpostAnchor.sol at build time), event decoding, revert decoding, deployment and
 * the owner's allow-list action.
 */
import { ANCHORED_EVENT_TOPIC, decodeAnchoredEvent } from '@anchorpost/protocol/portable';
import { Interface, toBeHex } from 'ethers';
import { anchorpostAnchorAbi, anchorpostAnchorBytecode } from '../generated/anchorpost-anchor.ts';
import { decodeCustomError, deployContract, type DecodedRevert } from './contract-deployment.ts';
import type { JsonRpcPool } from './json-rpc-pool.ts';
import { fromQuantity } from './rpc-types.ts';
import type { RpcLog } from './rpc-types.ts';
import { sendTransactionAndWait } from './send-transaction.ts';
import type { TransactionSigner } from './send-transaction.ts';

export const anchorContractInterface = new Interface(anchorpostAnchorAbi);
/** topic0 of `Anchored(bytes32 indexed root, string batchCid, uint64 indexed sequence, address indexed submitter)`. */
export const ANCHORED_TOPIC = ANCHORED_EVENT_TOPIC;

export interface AnchoredEvent {
  readonly root: string;
  readonly batchCid: string;
  readonly sequence: number;
  readonly submitter: string;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly logIndex: number;
}

/** 0x-prefixed bytes32 for the contract from the protocol's 64-hex root. */
export const rootToBytes32 = (root: string): string => `0x${root}`;

export const sequenceTopic = (sequence: number): string => toBeHex(sequence, 32);

export function encodeAnchorCall(root: string, batchCid: string, sequence: number): string {
  return anchorContractInterface.encodeFunctionData('anchor', [rootToBytes32(root), batchCid, sequence]);
}

/**
 * Decodes an `Anchored` log, or returns undefined for anything else (another event, a malformed
 * log). The caller checks the emitting address; this checks the shape.
 */
export function decodeAnchoredLog(log: RpcLog): AnchoredEvent | undefined {
  const event = decodeAnchoredEvent(log.topics, log.data);
  if (event === undefined) return undefined;
  try {
    return {
      ...event,
      txHash: log.transactionHash.toLowerCase(),
      blockNumber: fromQuantity(log.blockNumber),
      blockHash: log.blockHash.toLowerCase(),
      logIndex: fromQuantity(log.logIndex),
    };
  } catch {
    return undefined;
  }
}

/** The contract's custom error in revert data, if the data holds one. */
export function decodeAnchorRevert(data: unknown): DecodedRevert | undefined {
  return decodeCustomError([anchorContractInterface], data);
}

export interface DeployAnchorContractOptions {
  readonly rpc: JsonRpcPool;
  /** Accounts allowed to anchor; default: the deploying account. */
  readonly submitters?: readonly string[];
}

export interface DeployedAnchorContract {
  readonly address: string;
  readonly txHash: string;
  /** Where to start reading events (config `deployBlock`). */
  readonly blockNumber: number;
}

/** Deploys AnchorpostAnchor; the signer becomes its owner. */
export async function deployAnchorContract(
  signer: TransactionSigner,
  options: DeployAnchorContractOptions,
): Promise<DeployedAnchorContract> {
  const submitters = options.submitters ?? [await signer.getAddress()];
  const data = anchorpostAnchorBytecode + anchorContractInterface.encodeDeploy([submitters]).slice(2);
  const deployed = await deployContract(options.rpc, signer, data);
  return { ...deployed, address: deployed.address.toLowerCase() };
}

/** Owner action: allows (or stops) an account to anchor. */
export async function setAnchorSubmitter(
  owner: TransactionSigner,
  options: { rpc: JsonRpcPool; contractAddress: string; submitter: string; allowed: boolean },
): Promise<void> {
  const data = anchorContractInterface.encodeFunctionData('setSubmitter', [
    options.submitter,
    options.allowed,
  ]);
  await sendTransactionAndWait(options.rpc, owner, { to: options.contractAddress, data });
}
