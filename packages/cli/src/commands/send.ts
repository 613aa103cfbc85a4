/**
 * `anchorpost send FILE --relay URL [--api-key KEY] [--tenant ID] [--relay-key KEY_FILE] [--json]`:
 * submits one tx-file to a relay (`POST /v1/tx-files`) with the tenant's API key (or
 * ANCHORPOST_API_KEY), which names the tenant, and prints its receipt. A file over the protocol's size
 * limit is refused here, from its size on disk, before it is read or sent. The receipt must be
 * for the bytes sent: its CID must be the CID of the file (CID_MISMATCH otherwise), or a relay
 * could hand out a receipt, even a validly signed one, for some other file. With --relay-key (the
 * relay's Ed25519 public key: SPKI PEM, or the raw key as 64 hex characters) the receipt's
 * signature is checked too. Either failure exits 1, although the relay may have accepted the file.
 */
import { cidForBytes, DEFAULT_TX_FILE_LIMITS, fromHex } from '@anchorpost/protocol';
import type { RelayReceipt } from '@anchorpost/relay-core';
import { apiKeyOf } from '../api-key.ts';
import { CliError, UsageError } from '../failure.ts';
import { readBounded } from '../files.ts';
import { refusal, request, serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';

export const SEND_USAGE =
  'anchorpost send FILE --relay URL [--api-key KEY] [--tenant ID] [--relay-key KEY_FILE] [--json]';

export interface SubmitResponse {
  receipt: RelayReceipt;
  duplicate: boolean;
}

function isSubmitResponse(value: unknown): value is SubmitResponse {
  const { receipt, duplicate } = (value ?? {}) as Partial<SubmitResponse>;
  return (
    typeof duplicate === 'boolean' &&
    typeof receipt?.cid === 'string' &&
    typeof receipt.sequence === 'number' &&
    typeof receipt.acceptedAt === 'string'
  );
}

export async function sendCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      relay: { type: 'string' },
      'api-key': { type: 'string' },
      tenant: { type: 'string' },
      'relay-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    SEND_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${SEND_USAGE}`);
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${SEND_USAGE}`);
  const apiKey = apiKeyOf(values['api-key'], SEND_USAGE);
  const url = serviceUrl(values.relay, '--relay', 'v1/tx-files');
  const relayKey = values['relay-key'] === undefined ? undefined : await readRelayKey(values['relay-key']);
  const bytes = await readBounded(positionals[0]!, DEFAULT_TX_FILE_LIMITS.maxBytes);

  const body = await submitTxFile(url, apiKey, values.tenant, bytes);
  if (relayKey !== undefined) {
    // Loaded only when asked for: relay-core is not needed by any other command.
    const { verifyReceipt } = await import('@anchorpost/relay-core');
    if (!verifyReceipt(body.receipt, relayKey)) {
      throw new CliError(
        'BAD_RECEIPT_SIGNATURE',
        'receipt.signature',
        `the relay accepted ${body.receipt.cid} but its receipt is not signed by the key in ${values['relay-key']!}`,
      );
    }
  }
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

/**
 * Submits tx-file bytes to `url` (a relay's `v1/tx-files`) and answers its receipt, checked to be
 * for these bytes (CID_MISMATCH otherwise).
 */
export async function submitTxFile(
  url: URL,
  apiKey: string,
  tenant: string | undefined,
  bytes: Uint8Array,
): Promise<SubmitResponse> {
  const response = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/yaml',
      authorization: `Bearer ${apiKey}`,
      // Optional: a relay refuses it (401) unless it is the key's own tenant.
      ...(tenant === undefined ? {} : { 'anchorpost-tenant': tenant }),
    },
    body: bytes,
  });
  if (!response.ok) throw await refusal(response);
  const body: unknown = await response.json().catch(() => null);
  if (!isSubmitResponse(body)) {
    throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered ${response.status} without a receipt`);
  }
  // Always, with or without --relay-key: a signature proves who signed, not what was signed for.
  const cid = await cidForBytes(bytes);
  if (body.receipt.cid !== cid) {
    throw new CliError(
      'CID_MISMATCH',
      'receipt.cid',
      `${url.origin} answered a receipt for ${body.receipt.cid}, but the file sent is ${cid}`,
    );
  }
  return body;
}

/** The relay's public key file: SPKI PEM, or the raw 32-byte key in hex. */
async function readRelayKey(path: string): Promise<string | Uint8Array> {
  const text = new TextDecoder().decode(await readBounded(path, 4096, 'relay-key')).trim();
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) return text;
  if (/^[0-9a-f]{64}$/i.test(text)) return fromHex(text.toLowerCase());
  throw new CliError('BAD_RELAY_KEY', path, 'expected an SPKI PEM public key or 64 hex characters');
}
