/**
 * The thread side of TxFileChecks: parses a tx-file (canonical form, no v0.1), computes its CID,
 * and verifies a client signature, off the relay's event loop. Stateless: each message carries
 * what its answer needs, so any thread can take any job.
 */
import {
  cidForBytes,
  parseCanonicalTxFile,
  refuseLegacyTxFile,
  serveJobs,
  toJobFailure,
  verifyClientSignature,
} from '@anchorpost/protocol';
import type { CheckJob, CheckAnswer } from './tx-file-checks.ts';

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
    return { id: job.id, ok: false, failure: toJobFailure(error) };
  }
}

serveJobs(run);
