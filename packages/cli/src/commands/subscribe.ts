/**
 * `anchorpost subscribe RECIPIENT_HASH --relay URL [--cursor C] [--out DIR] [--count N] [--json]`:
 * follows a relay's SSE stream of the tx-files for one recipient, one line per file: `CID CURSOR`,
 * and `origin=PEER` after them for a file that came from a peer platform through the chain.
 *
 * The SDK's subscription (`subscribeTxFiles`) resumes after the last cursor seen on every
 * reconnect, so a dropped connection neither loses nor repeats a file. The first connection must
 * succeed (a wrong URL fails at once); after that, drops are retried with a capped exponential
 * back-off for ever. Ctrl-C (or a TERM) ends it normally.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subscribeTxFiles, type DeliveredTxFile } from '@anchorpost/sdk';
import { UsageError } from '../failure.ts';
import { serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';
import { apiKeyOf } from '../api-key.ts';

export const SUBSCRIBE_USAGE =
  'anchorpost subscribe RECIPIENT_HASH --relay URL [--api-key KEY] [--cursor CURSOR] [--out DIR] [--count N] [--json]';

export async function subscribeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      relay: { type: 'string' },
      'api-key': { type: 'string' },
      cursor: { type: 'string' },
      out: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean' },
    },
    SUBSCRIBE_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${SUBSCRIBE_USAGE}`);
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${SUBSCRIBE_USAGE}`);
  const apiKey = apiKeyOf(values['api-key'], SUBSCRIBE_USAGE);
  if (values.count !== undefined && !/^[1-9][0-9]{0,8}$/.test(values.count)) {
    throw new UsageError(`--count must be a positive integer; usage: ${SUBSCRIBE_USAGE}`);
  }
  serviceUrl(values.relay, '--relay', 'v1/subscriptions');
  let remaining = values.count === undefined ? Infinity : Number(values.count);
  const outDir = values.out;
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });

  const controller = new AbortController();
  const stop = () => {
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  async function deliver(file: DeliveredTxFile): Promise<void> {
    if (outDir !== undefined) {
      // Written whole then renamed, so a reader never sees half a file.
      const path = join(outDir, `${file.cid}.yaml`);
      await writeFile(`${path}.partial`, file.bytes);
      await rename(`${path}.partial`, path);
    }
    const { cid, cursor, receipt, origin } = file;
    const event = {
      cid,
      cursor,
      txFile: Buffer.from(file.bytes).toString('base64'),
      receipt,
      ...(origin ? { origin } : {}),
    };
    // A file from a peer platform (ADR 0031) names its origin; a local one has none.
    const line = origin ? `${cid} ${cursor} origin=${origin}` : `${cid} ${cursor}`;
    process.stdout.write(values.json ? `${JSON.stringify(event)}\n` : `${line}\n`);
  }

  try {
    const files = subscribeTxFiles({
      relay: values.relay,
      apiKey,
      recipient: positionals[0]!,
      cursor: values.cursor,
      signal: controller.signal,
      onReconnect: (reason, delay) => process.stderr.write(`reconnecting in ${delay} ms after: ${reason}\n`),
    });
    for await (const file of files) {
      await deliver(file);
      remaining -= 1;
      if (remaining === 0) break;
    }
    return 0;
  } catch (error) {
    if (controller.signal.aborted) return 0;
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
