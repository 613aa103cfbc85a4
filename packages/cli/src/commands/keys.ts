/**
 * `anchorpost keys new | account | publish | rotate | revoke | lookup | history`: a fresh identity
 * (encryption + signing keys), a fresh account key (the identity's address on chain), and the
 * identity's key in AnchorpostKeyRegistry (key transparency, published through the sponsor).
 */
import { DEFAULT_SUITE, getSuite } from '@anchorpost/protocol';
import { keyFingerprint, newIdentity, saveIdentity } from '@anchorpost/sdk';
import { UsageError } from '../failure.ts';
import { parseCommand } from '../options.ts';
import { KEYS_LOOKUP_USAGE, keysLookupCommand } from './keys/keys-lookup.ts';
import { newAccountKey } from './keys/keys-options.ts';
import { KEYS_PUBLISH_USAGE, keysPublishCommand } from './keys/keys-publish.ts';

const KEYS_NEW_USAGE = 'anchorpost keys new [--suite modern|rsa-4096] --out DIR';
const KEYS_ACCOUNT_USAGE = 'anchorpost keys account --out FILE';
export const KEYS_USAGE = [KEYS_NEW_USAGE, KEYS_ACCOUNT_USAGE, KEYS_PUBLISH_USAGE, KEYS_LOOKUP_USAGE].join(
  '\n  ',
);

async function keysNew(args: string[]): Promise<number> {
  const { values } = parseCommand(
    args,
    { suite: { type: 'string' }, out: { type: 'string' } },
    KEYS_NEW_USAGE,
  );
  if (!values.out) throw new UsageError(`--out is required; usage: ${KEYS_NEW_USAGE}`);
  const identity = await newIdentity(getSuite(values.suite ?? DEFAULT_SUITE, '--suite').name);
  await saveIdentity(values.out, identity);
  process.stdout.write(`${keyFingerprint(identity.public)}\n`);
  return 0;
}

async function keysAccount(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { out: { type: 'string' } }, KEYS_ACCOUNT_USAGE);
  if (!values.out) throw new UsageError(`--out is required; usage: ${KEYS_ACCOUNT_USAGE}`);
  process.stdout.write(`${await newAccountKey(values.out)}\n`);
  return 0;
}

export async function keysCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'new':
      return keysNew(rest);
    case 'account':
      return keysAccount(rest);
    case 'publish':
    case 'rotate':
    case 'revoke':
      return keysPublishCommand(sub, rest);
    case 'lookup':
    case 'history':
      return keysLookupCommand(sub, rest);
    default:
      throw new UsageError(`usage: ${KEYS_USAGE}`);
  }
}
