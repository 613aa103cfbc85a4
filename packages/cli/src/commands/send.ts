/**
 * `anchorpost send FILE --relay URL [--api-key KEY] [--tenant ID] [--relay-key KEY_FILE] [--json]`:
 * submits one tx-file to a relay (`POST /v1/tx-files`) with the tenant's API key (or
 * ANCHORPOST_API_KEY), which names the tenant, and prints its receipt. A file over the protocol's size
 * limit is refused here, from its size on disk, before it is read or sent. The receipt must be
 * for the bytes sent: its CID must be the CID of the file (CID_MISMATCH otherwise), or a relay
 * could hand out a receipt, even a validly signed one, for some other file. With --relay-key (the
 * relay's Ed25519 public key: SPKI PEM, or the raw key as 64 hex characters) the receipt's
 * signature is checked too. Either failure exits 1, although the relay may have accepted the file.
 * The SDK's RelayClient does the sending (the same bytes again while the relay is unreachable or
 * answers 5xx/429) and the checks. With `--to CONTACT` (repeatable) each contact's registered key
 * is checked against its pin first (contact.ts): a key changed without a signed rotation stops
 * the send (KEY_CHANGED_UNSIGNED) unless `--expect FINGERPRINT` names the new key; then the file
 * must be sealed to exactly those keys: `--group GROUP.json` (the bundle it was built for) opened
 * with `--key PRIVATE_KEY.json` (yours) must be the group the file opens with, and its members the
 * contacts' current keys and at most your own (sealed-to-contacts.ts: FILE_NOT_FOR_GROUP,
 * GROUP_MISSES_CONTACT, GROUP_HAS_OTHER_KEY). Pins a signed rotation moved are saved only then.
 */
import { DEFAULT_TX_FILE_LIMITS } from '@anchorpost/protocol';
import { parseRelayKey, RelayClient, type RelayPublicKey } from '@anchorpost/sdk';
import { apiKeyOf } from '../api-key.ts';
import { CliError, UsageError } from '../failure.ts';
import { readBounded } from '../files.ts';
import { serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';
import { checkContacts } from './contact.ts';
import { checkSealedToContacts, sealedToFlags } from './sealed-to-contacts.ts';

export const SEND_USAGE = [
  'anchorpost send FILE --relay URL [--api-key KEY] [--tenant ID] [--relay-key KEY_FILE] [--json]',
  '    [--to CONTACT... --group GROUP.json --key PRIVATE_KEY.json [--expect FINGERPRINT]',
  '     --registry ADDRESS --rpc URL [--from-block N]]',
].join('\n  ');

export async function sendCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      relay: { type: 'string' },
      'api-key': { type: 'string' },
      tenant: { type: 'string' },
      'relay-key': { type: 'string' },
      json: { type: 'boolean' },
      to: { type: 'string', multiple: true },
      expect: { type: 'string' },
      group: { type: 'string' },
      key: { type: 'string' },
      registry: { type: 'string' },
      rpc: { type: 'string' },
      'from-block': { type: 'string' },
    },
    SEND_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${SEND_USAGE}`);
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${SEND_USAGE}`);
  const apiKey = apiKeyOf(values['api-key'], SEND_USAGE);
  serviceUrl(values.relay, '--relay', 'v1/tx-files');
  const relayKey = values['relay-key'] === undefined ? undefined : await readRelayKey(values['relay-key']);
  const bytes = await readBounded(positionals[0]!, DEFAULT_TX_FILE_LIMITS.maxBytes);
  const sealedTo = sealedToFlags(values);
  const checked = await checkContacts(values, SEND_USAGE);
  if (sealedTo !== undefined) await checkSealedToContacts(bytes, positionals[0]!, checked.contacts, sealedTo);
  await checked.save();

  const relay = new RelayClient({ url: values.relay, apiKey, tenant: values.tenant, relayKey });
  const body = await relay.submit(bytes);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    const { receipt, duplicate } = body;
    const lines = [`cid ${receipt.cid}`, `sequence ${receipt.sequence}`, `acceptedAt ${receipt.acceptedAt}`];
    if (duplicate) lines.push('duplicate (accepted before)');
    if (relayKey !== undefined) lines.push(`signature verified (relay key ${receipt.relayKeyId})`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

/** The relay's public key file: SPKI PEM, or the raw 32-byte key in hex. */
async function readRelayKey(path: string): Promise<RelayPublicKey> {
  const text = new TextDecoder().decode(await readBounded(path, 4096, 'relay-key'));
  try {
    return parseRelayKey(text);
  } catch (error) {
    throw new CliError('BAD_RELAY_KEY', path, (error as Error).message);
  }
}
