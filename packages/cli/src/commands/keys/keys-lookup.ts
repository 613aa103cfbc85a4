/**
 * `anchorpost keys lookup | history ADDRESS`: what the registry says of an identity, read over
 * JSON-RPC by the SDK (`lookupKey`, `keyHistory`). `lookup --expect FINGERPRINT` is the contact
 * check: the key the caller knew for the identity must be the current one, or lead to it by
 * rotations the old key signed; otherwise it fails with KEY_CHANGED_UNSIGNED (revoked and
 * registered again), KEY_REVOKED or EXPECTED_KEY_UNKNOWN (the identity never published that key).
 * `lookup --relay URL` also fetches the key file the registry names from the platform's storage
 * and checks it (CID_MISMATCH, KEY_FILE_MISMATCH), printing it (or writing it to `--out FILE`).
 */
import { fetchKeyFile, keyHistory, lookupKey, type KeyEvent } from '@anchorpost/sdk';
import { UsageError } from '../../failure.ts';
import { writeBytes } from '../../files.ts';
import { parseCommand } from '../../options.ts';
import { addressOf, registryAt, relayUrl } from './keys-options.ts';

const AT = '--registry ADDRESS --rpc URL [--from-block N] [--json]';
export const KEYS_LOOKUP_USAGE = [
  `anchorpost keys lookup ADDRESS [--expect FINGERPRINT] [--relay URL [--out FILE]] ${AT}`,
  `anchorpost keys history ADDRESS ${AT}`,
].join('\n  ');

const OPTIONS = {
  registry: { type: 'string' },
  rpc: { type: 'string' },
  'from-block': { type: 'string' },
  expect: { type: 'string' },
  relay: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export function fromBlock(value: string | undefined): bigint {
  if (value === undefined) return 0n;
  if (!/^\d{1,20}$/.test(value)) throw new UsageError('--from-block must be a block number');
  return BigInt(value);
}

export function expected(value: string | undefined, flag = '--expect'): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(value))
    throw new UsageError(`${flag} must be a fingerprint: 64 hex characters`);
  return value.toLowerCase();
}

function eventLine(event: KeyEvent): string {
  const where = `block ${event.block} tx ${event.txHash}`;
  if (event.event === 'revoked') return `revoked ${event.fingerprint} ${where}\n`;
  const from = event.event === 'rotated' ? ` from ${event.oldFingerprint}` : '';
  return `${event.event} ${event.fingerprint}${from} suite ${event.suite} key-file ${event.keyCid} ${where}\n`;
}

export async function keysLookupCommand(action: 'lookup' | 'history', args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, OPTIONS, KEYS_LOOKUP_USAGE);
  if (positionals.length !== 1) throw new UsageError(`one ADDRESS; usage: ${KEYS_LOOKUP_USAGE}`);
  const identity = addressOf(positionals[0], 'ADDRESS', KEYS_LOOKUP_USAGE);
  if (action === 'history' && values.expect !== undefined) throw new UsageError('--expect goes with lookup');
  const expect = expected(values.expect);
  const at = registryAt(values, KEYS_LOOKUP_USAGE);
  if (action === 'history') {
    const history = await keyHistory(at, identity, fromBlock(values['from-block']));
    if (values.json === true) process.stdout.write(`${JSON.stringify({ identity, history })}\n`);
    else for (const event of history) process.stdout.write(eventLine(event));
    return 0;
  }
  const relay = relayUrl(values.relay);
  if (values.out !== undefined && relay === undefined) throw new UsageError('--out goes with --relay');
  const { key, since, note } = await lookupKey(at, identity, {
    expect,
    fromBlock: fromBlock(values['from-block']),
  });
  // The key file the registry names, fetched by its CID and checked (CID, then fingerprint).
  const keyFile = relay === undefined ? undefined : (await fetchKeyFile({ url: relay }, key)).bytes;
  if (keyFile !== undefined && values.out !== undefined) await writeBytes(values.out, keyFile);
  if (values.json === true) {
    const found = {
      identity,
      ...key,
      block: since?.block ?? null,
      txHash: since?.txHash ?? null,
      ...(keyFile === undefined ? {} : { keyFile: JSON.parse(new TextDecoder().decode(keyFile)) as unknown }),
    };
    process.stdout.write(`${JSON.stringify(note === undefined ? found : { ...found, note })}\n`);
    return 0;
  }
  process.stdout.write(`fingerprint ${key.fingerprint}\nsuite ${key.suite}\nkey-file ${key.keyCid}\n`);
  process.stdout.write(`rotation-signer ${key.rotationSigner}\n`);
  if (since !== undefined)
    process.stdout.write(`since block ${since.block} (${since.event}) tx ${since.txHash}\n`);
  if (note !== undefined) process.stdout.write(`note: ${note}\n`);
  if (keyFile !== undefined) {
    process.stdout.write(`key-file checked: its CID and fingerprint match\n`);
    if (values.out === undefined) process.stdout.write(new TextDecoder().decode(keyFile).trimEnd() + '\n');
  }
  return 0;
}
