/**
 * `anchorpost send FILE --relay URL --tenant ID [--json]`: submits one tx-file to a relay
 * (`POST /v1/tx-files`) and prints its receipt. A file over the protocol's size limit is refused
 * here, from its size on disk, before it is read or sent.
 */
import { DEFAULT_TX_FILE_LIMITS } from '@anchorpost/protocol';
import { CliError, UsageError } from '../failure.ts';
import { readBounded } from '../files.ts';
import { refusal, request, serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';

export const SEND_USAGE = 'anchorpost send FILE --relay URL --tenant ID [--json]';

interface SubmitResponse {
  receipt: { cid: string; sequence: number; acceptedAt: string };
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
    { relay: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' } },
    SEND_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${SEND_USAGE}`);
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${SEND_USAGE}`);
  if (values.tenant === undefined || values.tenant === '') {
    throw new UsageError(`--tenant is required; usage: ${SEND_USAGE}`);
  }
  const url = serviceUrl(values.relay, '--relay', 'v1/tx-files');
  const bytes = await readBounded(positionals[0]!, DEFAULT_TX_FILE_LIMITS.maxBytes);

  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', 'anchorpost-tenant': values.tenant },
    body: bytes,
  });
  if (!response.ok) throw await refusal(response);
  const body: unknown = await response.json().catch(() => null);
  if (!isSubmitResponse(body)) {
    throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered ${response.status} without a receipt`);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    const { receipt, duplicate } = body;
    process.stdout.write(
      `cid ${receipt.cid}\nsequence ${receipt.sequence}\nacceptedAt ${receipt.acceptedAt}\n${duplicate ? 'duplicate (accepted before)\n' : ''}`,
    );
  }
  return 0;
}
