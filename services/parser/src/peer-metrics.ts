/**
 * The reporting of one peer's follower (ADR 0031): `anchorpost_parser_peer_*` by peer and chain,
 * apart from the platform's own series so that a peer's refusals never read as ours. A refused
 * anchor (not the peer's submitter, a root the peer did not anchor, a batch naming another
 * platform, a batch that is ours) is a warning with its code and a count by code. A peer's
 * batch-file out of reach of our IPFS network (PEER_CONTENT_UNREACHABLE: a private-mode peer) is a
 * warning naming the anchor and a count of its own; the run then fails with that code. A failed run
 * (that, our storage or an RPC down) is an error with its code and a count by code.
 */
import type { ParserObserver } from '@anchorpost/parser-core';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { PARSER_METRICS } from './parser-metrics.ts';

export function peerReporting(
  metrics: ServiceMetrics,
  logger: Logger,
  peer: string,
  chain: string,
): ParserObserver {
  const indexed = metrics.counter(
    PARSER_METRICS.peerBatchesIndexedTotal,
    "A peer's anchored batches indexed, by peer and chain",
    ['peer', 'chain'],
  );
  const rejected = metrics.counter(
    PARSER_METRICS.peerAnchorsRejectedTotal,
    "A peer's anchors refused for good, by peer, chain and code (UNTRUSTED_ANCHOR, BATCH_MISMATCH, BATCH_CONFLICT…)",
    ['peer', 'chain', 'code'],
  );
  const txFiles = metrics.counter(
    PARSER_METRICS.peerTxFilesIndexedTotal,
    "A peer's tx-files newly indexed, by peer and chain",
    ['peer', 'chain'],
  );
  const failures = metrics.counter(
    PARSER_METRICS.peerRunFailuresTotal,
    "Runs of a peer's follower that failed (retried with back-off), by peer, chain and code (TIMEOUT, UNAVAILABLE…)",
    ['peer', 'chain', 'code'],
  );
  const unreachable = metrics.counter(
    PARSER_METRICS.peerContentUnreachableTotal,
    "Tries at a peer's batch-file that our IPFS network could not reach (PEER_CONTENT_UNREACHABLE: the cursor is held and the anchor tried again), by peer and chain",
    ['peer', 'chain'],
  );
  const lag = metrics.gauge(
    PARSER_METRICS.peerHeadLagBlocks,
    "Blocks between the chain head and a peer's cursor, by peer and chain",
    ['peer', 'chain'],
  );
  const labels = { peer, chain };
  for (const counter of [indexed, txFiles, unreachable]) counter.inc(labels, 0);
  const log = logger.child({ peer, chain });
  const codeOf = (error: unknown) => {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : 'UNKNOWN';
  };
  return {
    anchorIndexed({ anchor, batch, txFilesIndexed }) {
      indexed.inc(labels);
      txFiles.inc(labels, txFilesIndexed);
      log.info(
        { batchCid: batch.cid, sequence: batch.sequence, txHash: anchor.txHash, txFilesIndexed },
        "peer's batch indexed",
      );
    },
    anchorRejected({ anchor, error }) {
      rejected.inc({ ...labels, code: codeOf(error) });
      log.warn(
        {
          batchCid: anchor.batchCid,
          sequence: anchor.sequence,
          txHash: anchor.txHash,
          submitter: anchor.submitter,
          err: error,
        },
        "peer's anchor refused",
      );
    },
    contentUnreachable({ anchor, error }) {
      unreachable.inc(labels);
      log.warn(
        {
          reason: codeOf(error),
          batchCid: anchor.batchCid,
          sequence: anchor.sequence,
          txHash: anchor.txHash,
          blockNumber: anchor.blockNumber,
          storageCode: codeOf((error as { cause?: unknown }).cause),
        },
        "peer's batch-file unreachable on our IPFS network; cursor held, tried again with back-off",
      );
    },
    txFileRejected({ batchCid, index, cid, error }) {
      log.warn({ batchCid, index, cid, err: error }, "peer's tx-file left out");
    },
    headLag(blocks) {
      lag.set(labels, blocks);
    },
    retry({ what, attempt, delayMs, error }) {
      log.warn({ what, attempt, delayMs, err: error }, "reading a peer's content failed; retrying");
    },
    runFailed({ error, delayMs }) {
      const code = codeOf(error);
      failures.inc({ ...labels, code });
      log.error({ code, err: error, delayMs }, "peer's follower run failed; backing off");
    },
  };
}
