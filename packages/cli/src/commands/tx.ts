/** `anchorpost tx build | validate | open`: transaction-files on the client side, built and opened by the SDK. */
import {
  DEFAULT_TX_FILE_LIMITS,
  fingerprint,
  parsePrivateKeyFile,
  parsePublicKeyFile,
  parseTxFile,
  toBase64,
  type BlockRef,
} from '@anchorpost/protocol';
import { buildGroupTxFile, joinGroup, openGroupTxFile } from '@anchorpost/sdk';
import { UsageError } from '../failure.ts';
import { readBounded, readJson, writeBytes } from '../files.ts';
import { parseCommand } from '../options.ts';

export const TX_USAGE = [
  'anchorpost tx build --group GROUP.json --key PRIVATE_KEY.json [--client CLIENT_PRIVATE_KEY.json]',
  '    (--text TEXT | --data FILE) [--header TEXT] [--attach FILE]... [--before STATE]',
  '    --lastblock HEIGHT:BLOCK_ID --trustedblock HEIGHT:BLOCK_ID [--out FILE]',
  'anchorpost tx validate FILE [--max-bytes N]',
  'anchorpost tx open FILE --key PRIVATE_KEY.json --group GROUP.json [--client-key CLIENT_PUBLIC_KEY.json]',
].join('\n  ');

const ATTACHMENT_LIMIT = DEFAULT_TX_FILE_LIMITS.maxBytes;

export async function txCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'build':
      return build(rest);
    case 'validate':
      return validate(rest);
    case 'open':
      return open(rest);
    default:
      throw new UsageError(`usage:\n  ${TX_USAGE}`);
  }
}

export function blockRef(value: string | undefined, flag: string): BlockRef {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value ?? '');
  if (!match) throw new UsageError(`${flag} must be HEIGHT:BLOCK_ID (64 hex characters)`);
  return { height: Number(match[1]), signature: match[2]! };
}

async function build(args: string[]): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      group: { type: 'string' },
      key: { type: 'string' },
      client: { type: 'string' },
      text: { type: 'string' },
      data: { type: 'string' },
      header: { type: 'string' },
      attach: { type: 'string', multiple: true },
      before: { type: 'string' },
      lastblock: { type: 'string' },
      trustedblock: { type: 'string' },
      out: { type: 'string' },
    },
    TX_USAGE,
  );
  if (!values.group || !values.key) throw new UsageError('--group and --key are required');
  if ((values.text === undefined) === (values.data === undefined))
    throw new UsageError('give exactly one of --text and --data');
  const sender = parsePrivateKeyFile(await readJson(values.key, '--key'), '--key');
  const client = values.client
    ? parsePrivateKeyFile(await readJson(values.client, '--client'), '--client')
    : sender;
  const member = joinGroup(await readJson(values.group, '--group'), sender);
  const encoder = new TextEncoder();
  const data =
    values.text !== undefined
      ? encoder.encode(values.text)
      : await readBounded(values.data!, ATTACHMENT_LIMIT, '--data');
  const attachments = await Promise.all(
    (values.attach ?? []).map((path, i) => readBounded(path, ATTACHMENT_LIMIT, `--attach[${i}]`)),
  );
  const built = await buildGroupTxFile(member, {
    client,
    ...(values.before ? { before: values.before } : {}),
    blockchain: {
      lastblock: blockRef(values.lastblock, '--lastblock'),
      trustedblock: blockRef(values.trustedblock, '--trustedblock'),
    },
    message: {
      ...(values.header !== undefined ? { header: encoder.encode(values.header) } : {}),
      data,
      ...(attachments.length ? { attachments } : {}),
    },
  });
  // The SDK has re-parsed it: a file the relay (and our own validator) would reject is not written.
  await writeBytes(values.out, built.bytes);
  if (values.out && values.out !== '-') process.stdout.write(`${built.cid}\n`);
  return 0;
}

async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { 'max-bytes': { type: 'string' } }, TX_USAGE);
  if (positionals.length !== 1) throw new UsageError('usage: anchorpost tx validate FILE [--max-bytes N]');
  const maxBytes =
    values['max-bytes'] === undefined ? DEFAULT_TX_FILE_LIMITS.maxBytes : Number(values['max-bytes']);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new UsageError('--max-bytes must be a positive integer');
  parseTxFile(await readBounded(positionals[0]!, maxBytes), { maxBytes });
  return 0;
}

async function open(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { key: { type: 'string' }, group: { type: 'string' }, 'client-key': { type: 'string' } },
    TX_USAGE,
  );
  if (positionals.length !== 1 || !values.key || !values.group) {
    throw new UsageError(
      'usage: anchorpost tx open FILE --key PRIVATE_KEY.json --group GROUP.json [--client-key PUBLIC_KEY.json]',
    );
  }
  const member = parsePrivateKeyFile(await readJson(values.key, '--key'), '--key');
  const group = joinGroup(await readJson(values.group, '--group'), member);
  const clientKey = values['client-key']
    ? parsePublicKeyFile(await readJson(values['client-key'], '--client-key'), '--client-key')
    : undefined;
  const bytes = await readBounded(positionals[0]!, DEFAULT_TX_FILE_LIMITS.maxBytes);
  const opened = openGroupTxFile(bytes, group, clientKey);
  const report = {
    suite: opened.suite,
    senders: opened.senders.map(fingerprint),
    client: opened.client,
    state: opened.state,
    blockchain: opened.blockchain,
    message: {
      ...(opened.message.header ? { header: content(opened.message.header) } : {}),
      data: content(opened.message.data),
      ...(opened.message.regarding ? { regarding: opened.message.regarding } : {}),
      ...(opened.message.forwarded ? { forwarded: opened.message.forwarded } : {}),
      attachments: opened.message.attachments.map(content),
    },
    ...(opened.voting
      ? {
          voting: {
            lastblock: opened.voting.lastblock,
            options: opened.voting.options.map((o) => ({ hash: o.hash, title: content(o.title) })),
          },
        }
      : {}),
    ...(opened.vote ? { vote: opened.vote } : {}),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!opened.client.verified)
    process.stderr.write('note: client signature not checked (pass --client-key to check it)\n');
  return 0;
}

/** Plaintext as UTF-8 text when it is text, base64 otherwise. */
function content(bytes: Uint8Array): { text: string } | { base64: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { base64: toBase64(bytes) };
  }
}
