/**
 * The thread side of TxFileChecks: parses a tx-file (canonical form, no v0.1), computes its CID,
 * and verifies a client signature, off the relay's event loop. Stateless: each message carries
 * what its answer needs, so any thread can take any job.
 */
import { parentPort } from 'node:worker_threads';
import {
  cidForBytes,
  parseCanonicalTxFile,
  ProtocolError,
  refuseLegacyTxFile,
  verifyClientSignature,
} from '@anchorpost/protocol';
import type { CheckJob, CheckAnswer, CheckFailure } from './tx-file-checks.ts';

function failure(error: unknown): CheckFailure {
  if (error instanceof ProtocolError) {
    return { protocol: { code: error.code, field: error.field }, message: error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

async function run(job: CheckJob): Promise<CheckAnswer> {
  try {
    if (job.kind === 'parse') {
      const tx = parseCanonicalTxFile(job.bytes, { maxBytes: job.maxBytes });
      refuseLegacyTxFile(tx);
      return { id: job.id, ok: true, parsed: { tx, cid: await cidForBytes(job.bytes) } };
    }
    verifyClientSignature(job.tx, job.clientKey);
    return { id: job.id, ok: true };
  } catch (error) {
    return { id: job.id, ok: false, failure: failure(error) };
  }
}

parentPort?.on('message', (job: CheckJob) => {
  void run(job).then((answer) => {
    parentPort?.postMessage(answer);
  });
});
