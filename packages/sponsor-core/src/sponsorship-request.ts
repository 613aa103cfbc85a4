/**
 * A sponsorship request as a user sends it, read strictly, and its verification: the EIP-712
 * signature must recover to the user it names, and the digest of the signed message becomes the
 * request's key (the same message signed twice is one sponsorship). What comes out is what the
 * policy judges (user, target, selector, gas) and what the sponsor would send (to, data, value 0).
 */
import { TypedDataEncoder, getAddress, isHexString, verifyTypedData } from 'ethers';
import {
  BALLOT_TYPES,
  CAST_VOTE_BY_SIG_SELECTOR,
  FORWARD_REQUEST_TYPES,
  forwarderCalls,
  forwarderDomain,
  governorCalls,
  governorDomain,
} from './eip712.ts';
import { SponsorError, SponsorErrorCode } from './sponsor-error.ts';

export interface ForwardRequestData {
  readonly from: string;
  readonly to: string;
  readonly value: bigint;
  readonly gas: bigint;
  readonly nonce: bigint;
  readonly deadline: bigint;
  readonly data: string;
  readonly signature: string;
}

export interface BallotData {
  readonly proposalId: bigint;
  readonly support: number;
  readonly voter: string;
  readonly nonce: bigint;
  readonly signature: string;
}

export type SponsorshipRequest =
  | { readonly kind: 'forward'; readonly forwarder: string; readonly request: ForwardRequestData }
  | { readonly kind: 'ballot'; readonly governor: string; readonly ballot: BallotData };

/** What the sponsor knows of the chain it pays on: never taken from the request. */
export interface SponsorNetwork {
  readonly chainId: bigint;
  readonly forwarder: string;
  /** Governors whose ballots may be sponsored, by address, with their EIP-712 name and version. */
  readonly governors: ReadonlyMap<string, { readonly name: string; readonly version: string }>;
  /** A ballot carries no deadline of its own: its reservation is released this long after acceptance. */
  readonly ballotTtlSeconds: number;
}

export interface SponsorTransaction {
  readonly to: string;
  readonly data: string;
  readonly value: 0n;
}

export interface VerifiedSponsorship {
  readonly kind: 'forward' | 'ballot';
  /** The EIP-712 digest of the signed message, lower-case hex: the sponsorship's key. */
  readonly digest: string;
  /** The user who signed (checksummed). */
  readonly user: string;
  /** The contract the user's action calls, and the function: what a tenant's allow-list names. */
  readonly target: string;
  readonly selector: string;
  /** The gas the user's inner call is given (forward requests), or null (ballots). */
  readonly innerGas: bigint | null;
  /** Unix seconds after which the request can no longer be executed as signed. */
  readonly deadline: bigint;
  readonly transaction: SponsorTransaction;
}

const UINT48_MAX = (1n << 48n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;

function bad(field: string, why: string): SponsorError {
  return new SponsorError(SponsorErrorCode.BadRequest, `${field}: ${why}`);
}

function field(object: Record<string, unknown>, name: string): unknown {
  if (!(name in object)) throw bad(name, 'missing');
  return object[name];
}

function address(object: Record<string, unknown>, name: string): string {
  const value = field(object, name);
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw bad(name, 'not an address');
  return getAddress(value.toLowerCase());
}

/** Integers arrive as decimal strings (JSON numbers lose precision past 2^53). */
function uint(object: Record<string, unknown>, name: string, max: bigint): bigint {
  const value = field(object, name);
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(value))
    throw bad(name, 'not a decimal integer');
  const parsed = BigInt(value);
  if (parsed > max) throw bad(name, 'out of range');
  return parsed;
}

function hex(object: Record<string, unknown>, name: string, maxBytes: number): string {
  const value = field(object, name);
  if (typeof value !== 'string' || !isHexString(value) || value.length % 2 !== 0)
    throw bad(name, 'not hex bytes');
  if ((value.length - 2) / 2 > maxBytes) throw bad(name, `longer than ${maxBytes} bytes`);
  return value.toLowerCase();
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(name, 'not an object');
  return value as Record<string, unknown>;
}

/** Calldata a sponsored call may carry: bounded so one request cannot fill a block. */
export const MAX_CALLDATA_BYTES = 16_384;
const MAX_SIGNATURE_BYTES = 65;

/** Reads a request from parsed JSON, refusing anything not exactly a forward request or a ballot. */
export function parseSponsorshipRequest(input: unknown): SponsorshipRequest {
  const body = record(input, 'request body');
  const kind = field(body, 'kind');
  if (kind === 'forward') {
    const request = record(field(body, 'request'), 'request');
    return {
      kind,
      forwarder: address(body, 'forwarder'),
      request: {
        from: address(request, 'from'),
        to: address(request, 'to'),
        value: uint(request, 'value', UINT256_MAX),
        gas: uint(request, 'gas', UINT256_MAX),
        nonce: uint(request, 'nonce', UINT256_MAX),
        deadline: uint(request, 'deadline', UINT48_MAX),
        data: hex(request, 'data', MAX_CALLDATA_BYTES),
        signature: hex(request, 'signature', MAX_SIGNATURE_BYTES),
      },
    };
  }
  if (kind === 'ballot') {
    const ballot = record(field(body, 'ballot'), 'ballot');
    const support = uint(ballot, 'support', 255n);
    return {
      kind,
      governor: address(body, 'governor'),
      ballot: {
        proposalId: uint(ballot, 'proposalId', UINT256_MAX),
        support: Number(support),
        voter: address(ballot, 'voter'),
        nonce: uint(ballot, 'nonce', UINT256_MAX),
        signature: hex(ballot, 'signature', MAX_SIGNATURE_BYTES),
      },
    };
  }
  throw bad('kind', 'neither "forward" nor "ballot"');
}

function recovered(
  domain: Parameters<typeof verifyTypedData>[0],
  types: Parameters<typeof verifyTypedData>[1],
  message: Record<string, unknown>,
  signature: string,
): string | null {
  try {
    return verifyTypedData(domain, types, message, signature);
  } catch {
    // A signature that is not 65 well-formed bytes recovers no one.
    return null;
  }
}

/**
 * Checks the signature against the network's domain and returns the sponsorship. `now` (unix
 * seconds) gives a ballot its deadline; expiry is judged by the caller, after a replay is answered.
 */
export function verifySponsorshipRequest(
  request: SponsorshipRequest,
  network: SponsorNetwork,
  now: bigint,
): VerifiedSponsorship {
  if (request.kind === 'forward') {
    if (request.forwarder !== getAddress(network.forwarder)) {
      throw new SponsorError(
        SponsorErrorCode.NotAllowed,
        `forwarder ${request.forwarder} is not the sponsor's`,
      );
    }
    const { signature, ...message } = request.request;
    const domain = forwarderDomain(network.chainId, request.forwarder);
    if (recovered(domain, FORWARD_REQUEST_TYPES, message, signature) !== message.from) {
      throw new SponsorError(SponsorErrorCode.BadSignature, `the signature is not ${message.from}'s`);
    }
    if (message.value !== 0n) {
      throw new SponsorError(SponsorErrorCode.NotAllowed, 'the sponsor pays gas, never value');
    }
    // The nonce is signed but not sent: the forwarder uses its own count for the signer.
    const { from, to, value, gas, deadline, data } = request.request;
    const sent = { from, to, value, gas, deadline, data, signature };
    return {
      kind: 'forward',
      digest: TypedDataEncoder.hash(domain, FORWARD_REQUEST_TYPES, message).toLowerCase(),
      user: message.from,
      target: message.to,
      selector: message.data.length >= 10 ? message.data.slice(0, 10) : '0x',
      innerGas: message.gas,
      deadline: message.deadline,
      transaction: {
        to: request.forwarder,
        data: forwarderCalls.encodeFunctionData('execute', [sent]),
        value: 0n,
      },
    };
  }
  const governor = network.governors.get(request.governor);
  if (governor === undefined) {
    throw new SponsorError(SponsorErrorCode.NotAllowed, `governor ${request.governor} is not sponsored`);
  }
  const { signature, ...message } = request.ballot;
  const domain = governorDomain(network.chainId, request.governor, governor.name, governor.version);
  if (recovered(domain, BALLOT_TYPES, message, signature) !== message.voter) {
    throw new SponsorError(SponsorErrorCode.BadSignature, `the signature is not ${message.voter}'s`);
  }
  return {
    kind: 'ballot',
    digest: TypedDataEncoder.hash(domain, BALLOT_TYPES, message).toLowerCase(),
    user: message.voter,
    target: request.governor,
    selector: CAST_VOTE_BY_SIG_SELECTOR,
    innerGas: null,
    deadline: now + BigInt(network.ballotTtlSeconds),
    transaction: {
      to: request.governor,
      data: governorCalls.encodeFunctionData('castVoteBySig', [
        message.proposalId,
        message.support,
        message.voter,
        signature,
      ]),
      value: 0n,
    },
  };
}
