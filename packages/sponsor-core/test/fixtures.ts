/** Test helpers: users who sign forward requests and ballots, and the network they sign for. */
import { Wallet } from 'ethers';
import { BALLOT_TYPES, FORWARD_REQUEST_TYPES, forwarderDomain, governorDomain } from '../src/eip712.ts';
import type { SponsorNetwork } from '../src/sponsorship-request.ts';

export const FORWARDER = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const GOVERNOR = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
export const TARGET = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0';
export const SELECTOR = '0x12345678';

export const network: SponsorNetwork = {
  chainId: 31337n,
  forwarder: FORWARDER,
  governors: new Map([[GOVERNOR, { name: 'ReleaseGovernor', version: '1' }]]),
  ballotTtlSeconds: 3600,
};

// Fixed test keys (anvil's well-known dev keys 8 and 9), so failures reproduce.
export const alice = new Wallet('0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97');
export const mallory = new Wallet('0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6');

export const NOW = 1_800_000_000n;

export interface ForwardFields {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  nonce: bigint;
  deadline: bigint;
  data: string;
}

export function forwardFields(overrides: Partial<ForwardFields> = {}): ForwardFields {
  return {
    from: alice.address,
    to: TARGET,
    value: 0n,
    gas: 100_000n,
    nonce: 0n,
    deadline: NOW + 600n,
    data: `${SELECTOR}${'00'.repeat(32)}`,
    ...overrides,
  };
}

/** The request body as the user sends it (decimal strings), signed by `signer`. */
export async function forwardBody(
  fields: ForwardFields = forwardFields(),
  signer: Wallet = alice,
  forwarder = FORWARDER,
): Promise<Record<string, unknown>> {
  const signature = await signer.signTypedData(
    forwarderDomain(network.chainId, forwarder),
    FORWARD_REQUEST_TYPES,
    fields,
  );
  return {
    kind: 'forward',
    forwarder,
    request: {
      ...fields,
      value: fields.value.toString(),
      gas: fields.gas.toString(),
      nonce: fields.nonce.toString(),
      deadline: fields.deadline.toString(),
      signature,
    },
  };
}

export async function ballotBody(
  signer: Wallet = alice,
  voter = alice.address,
): Promise<Record<string, unknown>> {
  const ballot = { proposalId: 42n, support: 1, voter, nonce: 0n };
  const signature = await signer.signTypedData(
    governorDomain(network.chainId, GOVERNOR, 'ReleaseGovernor', '1'),
    BALLOT_TYPES,
    ballot,
  );
  return {
    kind: 'ballot',
    governor: GOVERNOR,
    ballot: { proposalId: '42', support: '1', voter, nonce: '0', signature },
  };
}
