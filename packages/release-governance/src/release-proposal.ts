/**
 * A release proposal, computed the same way by whoever proposes, votes, queues, executes or
 * follows it: one call to the registry's `approve` (or `approveRollback`) with the manifest's
 * SHA-256, CID and version, and a description derived from those alone. Everything the Governor
 * needs after `propose` (the proposal id, the description hash) follows from the manifest.
 */
import { AbiCoder, getAddress, id, keccak256 } from 'ethers';
import { releaseRegistryInterface } from './contracts.ts';
import { ReleaseGovernanceError, ReleaseGovernanceErrorCode } from './release-governance-error.ts';

/** What is voted: the manifest's digest and address, its version, and whether it goes back. */
export interface ReleaseApproval {
  /** 64 lower-case hex digits: SHA-256 of the manifest's canonical bytes. */
  readonly manifestSha256: string;
  readonly manifestCid: string;
  readonly version: bigint;
  readonly rollback: boolean;
}

export interface ReleaseProposal {
  readonly targets: readonly string[];
  readonly values: readonly bigint[];
  readonly calldatas: readonly string[];
  readonly description: string;
  readonly descriptionHash: string;
  /** The Governor's `hashProposal(targets, values, calldatas, descriptionHash)`, as a decimal string. */
  readonly proposalId: string;
}

const UINT64_MAX = (1n << 64n) - 1n;
const SHA256_RE = /^[0-9a-f]{64}$/;

function functionName(rollback: boolean): 'approve' | 'approveRollback' {
  return rollback ? 'approveRollback' : 'approve';
}

/** Starts with "Software Update", as the DAO's convention for release proposals has it. */
export function releaseDescription(approval: ReleaseApproval): string {
  const kind = approval.rollback ? ' (rollback)' : '';
  return [
    `Software Update ${approval.version}${kind}`,
    '',
    `manifest: ${approval.manifestCid}`,
    `sha256: ${approval.manifestSha256}`,
  ].join('\n');
}

export function releaseProposal(registry: string, approval: ReleaseApproval): ReleaseProposal {
  if (!SHA256_RE.test(approval.manifestSha256)) {
    throw new ReleaseGovernanceError(
      ReleaseGovernanceErrorCode.InvalidArgument,
      'manifestSha256 must be 64 lower-case hex digits',
    );
  }
  if (approval.version < 1n || approval.version > UINT64_MAX) {
    throw new ReleaseGovernanceError(
      ReleaseGovernanceErrorCode.InvalidArgument,
      'version must be a uint64 above 0',
    );
  }
  const data = releaseRegistryInterface.encodeFunctionData(functionName(approval.rollback), [
    `0x${approval.manifestSha256}`,
    approval.manifestCid,
    approval.version,
  ]);
  const targets = [getAddress(registry)];
  const values = [0n];
  const calldatas = [data];
  const description = releaseDescription(approval);
  const descriptionHash = id(description);
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ['address[]', 'uint256[]', 'bytes[]', 'bytes32'],
    [targets, values, calldatas, descriptionHash],
  );
  return {
    targets,
    values,
    calldatas,
    description,
    descriptionHash,
    proposalId: BigInt(keccak256(encoded)).toString(),
  };
}

/**
 * Reads a Governor proposal's actions back as a release approval, or refuses: exactly one call,
 * to this registry, with no value, to `approve` or `approveRollback`. Anything else (a batch that
 * also moves ownership, a call to another contract) is not a release, whatever its description says.
 */
export function decodeReleaseProposal(
  registry: string,
  actions: { targets: readonly string[]; values: readonly bigint[]; calldatas: readonly string[] },
): ReleaseApproval {
  const refuse = (why: string): never => {
    throw new ReleaseGovernanceError(ReleaseGovernanceErrorCode.NotAReleaseProposal, why);
  };
  if (actions.targets.length !== 1 || actions.values.length !== 1 || actions.calldatas.length !== 1) {
    return refuse(`a release proposal is one call, this one has ${actions.targets.length}`);
  }
  if (getAddress(actions.targets[0]!) !== getAddress(registry))
    return refuse('the call is not to the release registry');
  if (actions.values[0] !== 0n) return refuse('the call sends ether');
  let call: ReturnType<typeof releaseRegistryInterface.parseTransaction>;
  try {
    call = releaseRegistryInterface.parseTransaction({ data: actions.calldatas[0]! });
  } catch {
    return refuse('the call data is not a registry call');
  }
  if (call === null || (call.name !== 'approve' && call.name !== 'approveRollback')) {
    return refuse('the call is not approve or approveRollback');
  }
  const [sha256, cid, version] = call.args as unknown as [string, string, bigint];
  return {
    manifestSha256: sha256.slice(2).toLowerCase(),
    manifestCid: cid,
    version,
    rollback: call.name === 'approveRollback',
  };
}
