/**
 * `GET /v1/releases/digests/{sha256}`: is this image digest the voted one, and since when does it
 * run — with proofs. The answer is the deploy-log records that show it (the review that pinned it,
 * the commit of the approved release, the first record of it running), each with its tx-file and
 * that file's TxFileProof, exactly as `GET /v1/proofs/{cid}` serves it, so an auditor checks the
 * proof against their trust roots and, as a member of the deploy log's group, opens the file to
 * see the very record. 404 DIGEST_NOT_RELEASED when no approved release pins the digest;
 * `running: null` when one does but Argo CD was never seen running it.
 */
import type { BatchHeaderCache, TxFileProof } from '@anchorpost/proofs';
import { toBase64 } from '@anchorpost/protocol';
import { findDigestRelease, IMAGE_DIGEST } from '@anchorpost/updater-core';
import type { DeployLogEntry } from '@anchorpost/updater-core';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { deployLogOfDigest } from './deploy-log-of-digest.ts';
import type { DigestDeployLog } from './deploy-log-of-digest.ts';
import { ProofApiError } from './proof-api-error.ts';
import type { ProofApiRouteDeps } from './proof-api-routes.ts';
import { releaseDigestRouteSchema } from './release-digest-schema.ts';
import { servedProof } from './tx-file-proof.ts';
import type { PendingProof } from './tx-file-proof.ts';

/** One deploy-log record, its tx-file (null: not built yet) and that file's proof (null: unknown here). */
export interface DeployLogEvidence {
  readonly record: DeployLogEntry;
  readonly txFile: { readonly cid: string; readonly bytes: string } | null;
  readonly proof: TxFileProof | PendingProof | null;
}

export interface DigestReleaseAnswer {
  readonly digest: string;
  readonly proposalId: string;
  readonly manifest: string | null;
  readonly version: string | null;
  /** When the digest was first seen running (the running record's time), or null. */
  readonly runningSince: string | null;
  readonly verdict: DeployLogEvidence;
  readonly commit: DeployLogEvidence;
  readonly running: DeployLogEvidence | null;
}

function pathDigest(request: FastifyRequest): string {
  const text = (request.params as { sha256: string }).sha256;
  const hex = IMAGE_DIGEST.exec(text)?.[1];
  if (hex === undefined) {
    throw new ProofApiError(
      'BAD_DIGEST',
      'not an image digest: 64 lowercase hex, optionally after sha256:',
      'sha256',
    );
  }
  return hex;
}

export function releaseDigestRoute(
  deps: ProofApiRouteDeps,
  batchHeaderCache: BatchHeaderCache,
): RouteOptions {
  async function evidence(log: DigestDeployLog, record: DeployLogEntry): Promise<DeployLogEvidence> {
    const file = log.txFiles.get(record.seq);
    if (file === undefined) return { record, txFile: null, proof: null };
    const served = await servedProof(deps, batchHeaderCache, file.cid);
    return {
      record,
      txFile: { cid: file.cid, bytes: toBase64(file.bytes) },
      proof: served.status === 404 ? null : served.proof,
    };
  }

  async function handler(request: FastifyRequest, reply: FastifyReply): Promise<DigestReleaseAnswer> {
    void reply.header('cache-control', 'no-store');
    const hex = pathDigest(request);
    const log = await deployLogOfDigest(deps.deployLog.prisma, hex);
    const found = findDigestRelease(log.entries, hex);
    if (found === undefined) {
      const seen = log.entries.some((entry) => entry.step === 'running');
      throw new ProofApiError(
        'DIGEST_NOT_RELEASED',
        `no approved release pins sha256:${hex}${seen ? ', yet it was seen running' : ''}`,
        'sha256',
      );
    }
    const { verdict, commit, running } = found;
    return {
      digest: `sha256:${hex}`,
      proposalId: commit.proposalId,
      manifest: commit.detail.manifest ?? null,
      version: commit.detail.version ?? null,
      runningSince: running?.recordedAt ?? null,
      verdict: await evidence(log, verdict),
      commit: await evidence(log, commit),
      running: running === undefined ? null : await evidence(log, running),
    };
  }

  return { method: 'GET', url: '/v1/releases/digests/:sha256', schema: releaseDigestRouteSchema, handler };
}
