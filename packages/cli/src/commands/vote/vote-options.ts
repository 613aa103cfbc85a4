/**
 * What the `anchorpost vote` commands share: the member's keys and group, the relay its files go
 * to, and the recount's sources (proof API, relay, trust roots, chain nodes) — the flags read into
 * the SDK's terms; the SDK (`newVoting`, `castVote`, `closeVoting`, `tallyVoting`) does the rest.
 */
import { parsePrivateKeyFile } from '@anchorpost/protocol';
import {
  joinGroup,
  ProofApiClient,
  RelayClient,
  type DeadlineChain,
  type GroupFilesSource,
  type GroupMembership,
  type SendingOptions,
} from '@anchorpost/sdk';
import { apiKeyOf } from '../../api-key.ts';
import { UsageError } from '../../failure.ts';
import { readJson } from '../../files.ts';
import { serviceUrl } from '../../http.ts';
import { blockRef } from '../tx.ts';
import { minConfirmationsOption, trustOption, verifyOptionsOf } from '../verify.ts';

export const MEMBER_OPTIONS = {
  group: { type: 'string' },
  key: { type: 'string' },
} as const;

export const SEND_OPTIONS = {
  client: { type: 'string' },
  relay: { type: 'string' },
  'api-key': { type: 'string' },
  tenant: { type: 'string' },
  lastblock: { type: 'string' },
  trustedblock: { type: 'string' },
  before: { type: 'string' },
} as const;

export const RECOUNT_OPTIONS = {
  api: { type: 'string' },
  relay: { type: 'string' },
  trust: { type: 'string' },
  'trust-proof-claims': { type: 'boolean' },
  'evm-rpc': { type: 'string', multiple: true },
  'ergo-node': { type: 'string', multiple: true },
  'no-lower-bound': { type: 'boolean' },
  'min-confirmations': { type: 'string' },
  'deadline-chain': { type: 'string' },
} as const;

export async function memberOf(
  values: { group?: string | undefined; key?: string | undefined },
  usage: string,
): Promise<GroupMembership> {
  if (!values.group || !values.key) throw new UsageError(`--group and --key are required; usage: ${usage}`);
  const identity = parsePrivateKeyFile(await readJson(values.key, '--key'), '--key');
  return joinGroup(await readJson(values.group, '--group'), identity);
}

type SendValues = { [K in keyof typeof SEND_OPTIONS]?: string | undefined };

/** The relay the member's files go to (`--relay`, `--api-key`, `--tenant`) and how they are signed. */
export async function sendingOf(
  values: SendValues,
  usage: string,
): Promise<{ relay: RelayClient; sending: SendingOptions }> {
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${usage}`);
  serviceUrl(values.relay, '--relay', 'v1/tx-files');
  const apiKey = apiKeyOf(values['api-key'], usage);
  const client = values.client
    ? parsePrivateKeyFile(await readJson(values.client, '--client'), '--client')
    : undefined;
  return {
    relay: new RelayClient({ url: values.relay, apiKey, tenant: values.tenant }),
    sending: {
      client,
      ...(values.before === undefined ? {} : { before: values.before }),
      blockchain: {
        lastblock: blockRef(values.lastblock, '--lastblock'),
        trustedblock: blockRef(values.trustedblock, '--trustedblock'),
      },
    },
  };
}

type RecountValues = {
  api?: string | undefined;
  relay?: string | undefined;
  trust?: string | undefined;
  'trust-proof-claims'?: boolean | undefined;
  'evm-rpc'?: string[] | undefined;
  'ergo-node'?: string[] | undefined;
  'no-lower-bound'?: boolean | undefined;
  'min-confirmations'?: string | undefined;
};

/** Where the recount reads the group's anchored files, and what it verifies them against. */
export async function groupSourceOf(values: RecountValues, usage: string): Promise<GroupFilesSource> {
  if (values.api === undefined || values.relay === undefined) {
    throw new UsageError(`--api and --relay are required; usage: ${usage}`);
  }
  serviceUrl(values.api, '--api', 'v1/messages');
  serviceUrl(values.relay, '--relay', 'v1/tx-files');
  const evm = values['evm-rpc'] ?? [];
  const ergo = values['ergo-node'] ?? [];
  if (evm.length + ergo.length === 0)
    throw new UsageError(`--evm-rpc or --ergo-node is required; usage: ${usage}`);
  const setup = {
    evm,
    ergo,
    trust: await trustOption(values, usage),
    acceptNoLowerBound: values['no-lower-bound'] === true,
  };
  return {
    proofApi: new ProofApiClient({ url: values.api }),
    relay: new RelayClient({ url: values.relay }),
    verify: verifyOptionsOf(setup, minConfirmationsOption(values['min-confirmations'], usage)),
  };
}

/** `--deadline-chain evm:CHAINID | ergo:NETWORK`, or undefined: the voting file's first anchor. */
export function deadlineChainOf(spec: string | undefined): DeadlineChain | undefined {
  if (spec === undefined) return undefined;
  const match = /^(evm|ergo):(\S+)$/.exec(spec);
  if (!match) throw new UsageError('--deadline-chain must be evm:CHAINID or ergo:NETWORK');
  return { chain: match[1] as 'evm' | 'ergo', chainId: match[2]! };
}
