/**
 * What the `anchorpost vote` commands share: the member's keys and group, sending a tx-file to
 * the group over a relay, and the recount's sources (proof API, relay, trust roots, chain nodes).
 */
import {
  buildTxFile,
  fingerprint,
  groupPublicKeyBytes,
  hmacHex,
  openGroup,
  parseGroupBundle,
  parsePrivateKeyFile,
  parseTxFile,
  serializeTxFile,
  type BuildTxFileInput,
  type GroupKeys,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { apiKeyOf } from '../../api-key.ts';
import { UsageError } from '../../failure.ts';
import { readJson } from '../../files.ts';
import { serviceUrl } from '../../http.ts';
import { submitTxFile, type SubmitResponse } from '../send.ts';
import { blockRef } from '../tx.ts';
import { minConfirmationsOption, trustOption } from '../verify.ts';
import type { GroupSource } from './anchored-group-files.ts';

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

export interface Member {
  identity: PrivateIdentity;
  group: GroupKeys;
  /** The bundle's member ids (fingerprints). */
  members: string[];
  /** The group's recipient hash, which every file to it names. */
  recipient: string;
}

export async function memberOf(
  values: { group?: string | undefined; key?: string | undefined },
  usage: string,
): Promise<Member> {
  if (!values.group || !values.key) throw new UsageError(`--group and --key are required; usage: ${usage}`);
  const identity = parsePrivateKeyFile(await readJson(values.key, '--key'), '--key');
  const bundle = await readJson(values.group, '--group');
  const group = openGroup(bundle, identity);
  return {
    identity,
    group,
    members: parseGroupBundle(bundle).members.map((member) => member.id),
    recipient: hmacHex(group.secret, groupPublicKeyBytes(group.suite, group.publicKey)),
  };
}

type SendValues = { [K in keyof typeof SEND_OPTIONS]?: string | undefined };

/**
 * Builds a tx-file from `member` to its group (`--client` signs as the app, the member by default)
 * and submits it to `--relay`; answers its bytes and checked receipt.
 */
export async function sendToGroup(
  member: Member,
  values: SendValues,
  usage: string,
  content: Pick<BuildTxFileInput, 'message' | 'voting' | 'vote'> & {
    /** The `before` to use without --before, for the client of this id. */
    beforeFor?: (clientId: string) => string | undefined;
  },
): Promise<{ bytes: Uint8Array; tx: ReturnType<typeof parseTxFile>; submitted: SubmitResponse }> {
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${usage}`);
  const apiKey = apiKeyOf(values['api-key'], usage);
  const client = values.client
    ? parsePrivateKeyFile(await readJson(values.client, '--client'), '--client')
    : member.identity;
  const before = values.before ?? content.beforeFor?.(fingerprint(client.public));
  const tx = buildTxFile({
    group: member.group,
    senders: [member.identity],
    client,
    ...(before === undefined ? {} : { before }),
    blockchain: {
      lastblock: blockRef(values.lastblock, '--lastblock'),
      trustedblock: blockRef(values.trustedblock, '--trustedblock'),
    },
    message: content.message,
    ...(content.voting ? { voting: content.voting } : {}),
    ...(content.vote ? { vote: content.vote } : {}),
  });
  const bytes = serializeTxFile(tx);
  // Refuse to send a file that the relay (and our own validator) would reject.
  parseTxFile(bytes);
  const url = serviceUrl(values.relay, '--relay', 'v1/tx-files');
  return { bytes, tx, submitted: await submitTxFile(url, apiKey, values.tenant, bytes) };
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
export async function groupSourceOf(values: RecountValues, usage: string): Promise<GroupSource> {
  if (values.api === undefined || values.relay === undefined) {
    throw new UsageError(`--api and --relay are required; usage: ${usage}`);
  }
  const evm = values['evm-rpc'] ?? [];
  const ergo = values['ergo-node'] ?? [];
  if (evm.length + ergo.length === 0)
    throw new UsageError(`--evm-rpc or --ergo-node is required; usage: ${usage}`);
  return {
    api: values.api,
    relay: values.relay,
    setup: {
      evm,
      ergo,
      trust: await trustOption(values, usage),
      acceptNoLowerBound: values['no-lower-bound'] === true,
    },
    minConfirmations: minConfirmationsOption(values['min-confirmations'], usage),
  };
}
