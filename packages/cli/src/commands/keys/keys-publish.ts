/**
 * `anchorpost keys publish | rotate | revoke`: the identity's key in AnchorpostKeyRegistry,
 * through the sponsor, so the user's account holds and pays nothing. Before anything is posted,
 * the registry is read and a request it would refuse is refused here with its own code (nothing
 * reaches the sponsor): a second registration, a rotation not signed by the current key.
 */
import { fingerprint } from '@anchorpost/protocol';
import { ROTATION_TYPES, keyRegistryDomain } from '@anchorpost/sponsor-contracts';
import { apiKeyOf } from '../../api-key.ts';
import { CliError, UsageError } from '../../failure.ts';
import { parseCommand } from '../../options.ts';
import { currentKey, fingerprintBytes32, rotationsOf } from './key-registry.ts';
import type { RegistryAt } from './key-registry.ts';
import { accountKey, keyDirectory, registryAt } from './keys-options.ts';
import type { KeyDirectory } from './keys-options.ts';
import { rotationSignerOf } from './rotation-signer.ts';
import { forwardRequestBody, postSponsorship, untilMined } from './sponsored-request.ts';
import type { SponsoredCall } from './sponsored-request.ts';

const AT =
  '--registry ADDRESS --rpc URL --account-key FILE [--sponsor URL] [--api-key KEY] [--timeout SECONDS] [--json]';
export const KEYS_PUBLISH_USAGE = [
  `anchorpost keys publish --key DIR ${AT}`,
  `anchorpost keys rotate --old-key DIR --key DIR ${AT}`,
  `anchorpost keys revoke --key DIR ${AT}`,
].join('\n  ');

const DEFAULT_SPONSOR_URL = 'http://127.0.0.1:7490';
const DEFAULT_TIMEOUT_SECONDS = 120;
/**
 * The inner call's gas. Measured on anvil (eth_estimateGas less the 21,000 base, calldata
 * included): a register with a 59-byte CIDv1 142,057, with the longest suite and CID the registry
 * takes (128 bytes each) 279,547; a rotation mostly overwrites slots already written.
 */
const INNER_GAS = 300_000n;
const TTL_SECONDS = 600n;

const OPTIONS = {
  key: { type: 'string' },
  'old-key': { type: 'string' },
  'account-key': { type: 'string' },
  registry: { type: 'string' },
  rpc: { type: 'string' },
  sponsor: { type: 'string' },
  'api-key': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values'];

function registerCall(key: KeyDirectory): SponsoredCall {
  const id = fingerprint(key.identity.public);
  const args = [
    fingerprintBytes32(id),
    key.identity.public.suite,
    key.keyCid,
    rotationSignerOf(key.identity).address,
  ];
  return { name: 'register', args, gas: INNER_GAS, ttlSeconds: TTL_SECONDS };
}

/** The Rotation to `next`, signed by the old key's rotation signer, checked against the registry first. */
async function rotateCall(
  at: RegistryAt,
  account: string,
  old: KeyDirectory,
  next: KeyDirectory,
): Promise<SponsoredCall> {
  const current = await currentKey(at, account);
  if (current === undefined)
    throw new CliError('NO_KEY_REGISTERED', 'old-key', `${account} has no key to rotate`);
  const oldId = fingerprint(old.identity.public);
  const signer = rotationSignerOf(old.identity);
  if (current.fingerprint !== oldId || current.rotationSigner !== signer.address) {
    throw new CliError(
      'NOT_CURRENT_KEY',
      'old-key',
      `${oldId} is not the key ${account} has published (${current.fingerprint}); a rotation must be signed by the current key`,
    );
  }
  const chainId = BigInt(await at.rpc.request<string>('eth_chainId', []));
  const change = {
    identity: account,
    oldFingerprint: fingerprintBytes32(oldId),
    newFingerprint: fingerprintBytes32(fingerprint(next.identity.public)),
    newSuite: next.identity.public.suite,
    newKeyCid: next.keyCid,
    newRotationSigner: rotationSignerOf(next.identity).address,
    rotation: await rotationsOf(at, account),
  };
  const signature = await signer.signTypedData(
    keyRegistryDomain(chainId, at.registry),
    ROTATION_TYPES,
    change,
  );
  const args = [
    change.newFingerprint,
    change.newSuite,
    change.newKeyCid,
    change.newRotationSigner,
    signature,
  ];
  return { name: 'rotate', args, gas: INNER_GAS, ttlSeconds: TTL_SECONDS };
}

async function callFor(
  action: string,
  values: Values,
  at: RegistryAt,
  account: string,
): Promise<SponsoredCall> {
  const usage = KEYS_PUBLISH_USAGE;
  const key = await keyDirectory(values.key, '--key', usage);
  const current = await currentKey(at, account);
  if (action === 'publish') {
    if (current !== undefined) {
      throw new CliError(
        'KEY_ALREADY_REGISTERED',
        'key',
        `${account} has published ${current.fingerprint}; use 'anchorpost keys rotate' to replace it`,
      );
    }
    return registerCall(key);
  }
  if (action === 'rotate')
    return rotateCall(at, account, await keyDirectory(values['old-key'], '--old-key', usage), key);
  // Revoking needs only the account, but naming the key guards against withdrawing the wrong one.
  if (current?.fingerprint !== fingerprint(key.identity.public)) {
    throw new CliError('NOT_CURRENT_KEY', 'key', `${account} has not published this key`);
  }
  return { name: 'revoke', args: [], gas: INNER_GAS, ttlSeconds: TTL_SECONDS };
}

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError('--timeout must be a whole number of seconds');
  return Number(value) * 1000;
}

export async function keysPublishCommand(
  action: 'publish' | 'rotate' | 'revoke',
  args: string[],
): Promise<number> {
  const { values, positionals } = parseCommand(args, OPTIONS, KEYS_PUBLISH_USAGE);
  if (positionals.length > 0)
    throw new UsageError(`unexpected '${positionals[0]}'; usage: ${KEYS_PUBLISH_USAGE}`);
  const at = registryAt(values, KEYS_PUBLISH_USAGE);
  const user = await accountKey(values['account-key'], KEYS_PUBLISH_USAGE);
  const sponsor = {
    url: values.sponsor ?? process.env.ANCHORPOST_SPONSOR_URL ?? DEFAULT_SPONSOR_URL,
    apiKey: apiKeyOf(values['api-key'], KEYS_PUBLISH_USAGE),
  };
  const wait = timeoutMs(values.timeout);
  const call = await callFor(action, values, at, user.address);
  const posted = await postSponsorship(sponsor, await forwardRequestBody(at, user, call));
  const mined = await untilMined(sponsor, posted.digest, wait);
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ identity: user.address, action, sponsorship: mined })}\n`);
  } else {
    process.stdout.write(`${mined.txHash}\n`);
  }
  return 0;
}
