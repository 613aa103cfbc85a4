/**
 * `anchorpost keys publish | rotate | revoke`: the identity's key in AnchorpostKeyRegistry,
 * through the sponsor, so the user's account holds and pays nothing — the SDK's `publishKey`,
 * `rotateKey` and `revokeKey` on the key folders and flags given. The SDK reads the registry first
 * and refuses what it would refuse before the sponsor is asked (a second registration, a rotation
 * not signed by the current key); here its failures keep the flag names and the status hint.
 * `publish` and `rotate` first store the public key file on the platform's storage through the
 * relay (`--relay`, `POST /v1/key-files` with the same API key; the SDK's `keyFiles`), so the CID
 * they register can be fetched (`keys lookup --relay`). A store that fails sends nothing; a key
 * registered without its file gets it by `keys publish` again (KEY_ALREADY_REGISTERED, the file stored).
 */
import { isSdkError, publishKey, revokeKey, rotateKey, SdkErrorCode, SponsorClient } from '@anchorpost/sdk';
import type { KeyChange, KeyPublishing, Sponsorship } from '@anchorpost/sdk';
import { apiKeyOf } from '../../api-key.ts';
import { CliError, UsageError } from '../../failure.ts';
import { serviceUrl } from '../../http.ts';
import { parseCommand } from '../../options.ts';
import { accountKey, keyDirectory, registryAt, relayUrl } from './keys-options.ts';

const AT =
  '--registry ADDRESS --rpc URL --account-key FILE [--sponsor URL] [--api-key KEY] [--timeout SECONDS] [--json]';
export const KEYS_PUBLISH_USAGE = [
  `anchorpost keys publish --key DIR --relay URL ${AT}`,
  `anchorpost keys rotate --old-key DIR --key DIR --relay URL ${AT}`,
  `anchorpost keys revoke --key DIR ${AT}`,
].join('\n  ');

const DEFAULT_SPONSOR_URL = 'http://127.0.0.1:7490';
const DEFAULT_TIMEOUT_SECONDS = 120;

const OPTIONS = {
  key: { type: 'string' },
  'old-key': { type: 'string' },
  'account-key': { type: 'string' },
  registry: { type: 'string' },
  rpc: { type: 'string' },
  relay: { type: 'string' },
  sponsor: { type: 'string' },
  'api-key': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values'];
type Action = 'publish' | 'rotate' | 'revoke';

async function change(action: Action, values: Values, publishing: KeyPublishing): Promise<KeyChange> {
  const usage = KEYS_PUBLISH_USAGE;
  const key = await keyDirectory(values.key, '--key', usage);
  if (action === 'revoke') return revokeKey(publishing, key.identity);
  const old = action === 'rotate' ? await keyDirectory(values['old-key'], '--old-key', usage) : undefined;
  if (publishing.keyFiles === undefined)
    throw new UsageError(
      `--relay or ANCHORPOST_RELAY_URL is required (the key file is stored there); usage: ${usage}`,
    );
  // The SDK stores the key file first, so that the CID resolves by the time anyone sees it registered.
  return old === undefined ? publishKey(publishing, key) : rotateKey(publishing, old.identity, key);
}

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError('--timeout must be a whole number of seconds');
  return Number(value) * 1000;
}

/** The SDK's failure as the CLI has always printed it: `--old-key` as `old-key`, and how to ask again. */
export function cliFailure(error: unknown, posted: Sponsorship | undefined): unknown {
  if (!isSdkError(error)) return error;
  if (error.code === SdkErrorCode.WaitTimeout && posted !== undefined) {
    const hint = `ask again with 'anchorpost sponsor status ${posted.digest}'`;
    return new CliError(error.code, '-', `${error.message}; ${hint}`);
  }
  if (error.field === 'oldKey') return new CliError(error.code, 'old-key', error.message);
  return error;
}

export async function keysPublishCommand(action: Action, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, OPTIONS, KEYS_PUBLISH_USAGE);
  if (positionals.length > 0)
    throw new UsageError(`unexpected '${positionals[0]}'; usage: ${KEYS_PUBLISH_USAGE}`);
  const registry = registryAt(values, KEYS_PUBLISH_USAGE);
  const account = await accountKey(values['account-key'], KEYS_PUBLISH_USAGE);
  const url = values.sponsor ?? process.env.ANCHORPOST_SPONSOR_URL ?? DEFAULT_SPONSOR_URL;
  serviceUrl(url, '--sponsor', ''); // a malformed URL is a usage mistake, as for every other command
  const apiKey = apiKeyOf(values['api-key'], KEYS_PUBLISH_USAGE);
  const sponsor = new SponsorClient({ url, apiKey });
  const relay = relayUrl(values.relay);
  let posted: Sponsorship | undefined;
  const publishing: KeyPublishing = {
    registry,
    sponsor,
    account,
    ...(relay === undefined ? {} : { keyFiles: { url: relay, apiKey } }),
    timeoutMs: timeoutMs(values.timeout),
    onSubmitted: (sponsorship) => (posted = sponsorship),
  };
  let mined: KeyChange;
  try {
    mined = await change(action, values, publishing);
  } catch (error) {
    throw cliFailure(error, posted);
  }
  if (values.json === true) {
    const { identity, sponsorship } = mined;
    process.stdout.write(`${JSON.stringify({ identity, action, sponsorship })}\n`);
  } else {
    process.stdout.write(`${mined.sponsorship.txHash}\n`);
  }
  return 0;
}
