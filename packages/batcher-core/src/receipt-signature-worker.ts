/**
 * The thread side of ReceiptSignatureChecks: verifies a job's Ed25519 receipt signatures off the
 * seal's event loop. Stateless but for its key cache: each job carries the keys it needs.
 */
import { serveJobs } from '@anchorpost/protocol';
import { Ed25519KeyCache, verifySignatures } from './receipt-signatures.ts';
import type { SignatureAnswer, SignatureJob } from './receipt-signatures.ts';

const keys = new Ed25519KeyCache();

serveJobs((job: SignatureJob): Promise<SignatureAnswer> =>
  Promise.resolve({ id: job.id, valid: verifySignatures(job.checks, keys) }),
);
