/**
 * Inbound delivery (ADR 0031): files of peer platforms, indexed by the parser from the peers'
 * anchors, handed to this relay for the subscribers of their recipients — exactly once across
 * restarts, and only for recipients some local tenant may receive (sent to or registered).
 *
 * Per peer per chain, in the order the peer's batches arrived (`peer_batch.position`) and the
 * batch's entry order, behind a persisted cursor (the batch being delivered and how many of its
 * entries are done), saved after every file. A crash between a file's acceptance and the cursor's
 * save redoes that file: `Relay.acceptInbound` finds its receipt and publishes nothing again. A
 * batch the parser is still writing (its origin recorded, the batch not yet) stops that stream
 * until the next run, so nothing is passed over.
 *
 * Left out, each with a reason for the log and the metric: NOT_SERVED (no tenant here may receive
 * the recipient), TX_FILE_UNAVAILABLE (storage cannot give it for good), and the relay's own
 * refusals (NOT_CANONICAL, LEGACY_TX_FILE, STATE_FORK…). Retryable failures (storage, database,
 * bus down) end the run with the cursor where it was.
 */
import type { IndexRepository, PeerChain, PeerStore } from '@anchorpost/db-port';
import { AnchorpostError, parseCanonicalTxFile } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage-port';
import { isStorageError } from '@anchorpost/storage-port';
import type { Relay } from './relay.ts';
import type { TenantStore } from './tenants/tenant-store.ts';

export interface InboundObserver {
  delivered?(event: { peer: string; cid: string; recipientHash: string; duplicate: boolean }): void;
  ignored?(event: { peer: string; cid: string; reason: string; error?: unknown }): void;
}

export interface InboundDeliveryOptions {
  readonly peers: PeerStore;
  readonly index: Pick<IndexRepository, 'batchEntries'>;
  readonly storage: ContentStore;
  readonly tenants: Pick<TenantStore, 'isServed'>;
  readonly relay: Pick<Relay, 'acceptInbound'>;
  readonly maxTxFileBytes: number;
  readonly storageTimeoutMs?: number | undefined;
  readonly observer?: InboundObserver | undefined;
  /** Batches read per query; default 16. */
  readonly batchesPerRead?: number;
}

export interface InboundRunResult {
  readonly delivered: number;
  readonly ignored: number;
}

export class InboundDelivery {
  readonly #options: InboundDeliveryOptions;
  #running: Promise<InboundRunResult> | undefined;

  constructor(options: InboundDeliveryOptions) {
    this.#options = options;
  }

  /** Delivers what the peers' indexed batches hold beyond each cursor; one run at a time. */
  runOnce(): Promise<InboundRunResult> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<InboundRunResult> {
    const counts = { delivered: 0, ignored: 0 };
    for (const from of await this.#options.peers.peerChains()) await this.#stream(from, counts);
    return counts;
  }

  async #stream(from: PeerChain, counts: { delivered: number; ignored: number }): Promise<void> {
    const { peers, index } = this.#options;
    const limit = this.#options.batchesPerRead ?? 16;
    let cursor = await peers.getDeliveryCursor(from);
    for (;;) {
      // Positions are integers: after P - 1 is the batch in progress (P) and what follows it.
      const rows = await peers.peerBatchesAfter(from, cursor === null ? 0 : cursor.position - 1, limit);
      for (const row of rows) {
        if (!row.indexed) return;
        const done = cursor !== null && cursor.position === row.position ? cursor.entry : 0;
        let entry = 0;
        for await (const cid of index.batchEntries(row.batchCid)) {
          entry += 1;
          if (entry <= done) continue;
          await this.#deliver(from.peer, cid, counts);
          cursor = { position: row.position, entry };
          await peers.saveDeliveryCursor(from, cursor);
        }
        if (cursor?.position !== row.position) {
          cursor = { position: row.position, entry };
          await peers.saveDeliveryCursor(from, cursor);
        }
      }
      if (rows.length < limit) return;
    }
  }

  async #deliver(peer: string, cid: string, counts: { delivered: number; ignored: number }): Promise<void> {
    const { storage, tenants, relay, observer } = this.#options;
    const ignore = (reason: string, error?: unknown) => {
      counts.ignored += 1;
      observer?.ignored?.({ peer, cid, reason, error });
    };
    let bytes: Uint8Array;
    try {
      bytes = await storage.getFile(cid, {
        maxBytes: this.#options.maxTxFileBytes,
        ...(this.#options.storageTimeoutMs === undefined
          ? {}
          : { timeoutMs: this.#options.storageTimeoutMs }),
      });
    } catch (error) {
      if (!isStorageError(error) || error.retryable) throw error;
      ignore('TX_FILE_UNAVAILABLE', error);
      return;
    }
    let recipientHash: string;
    try {
      recipientHash = parseCanonicalTxFile(bytes, { maxBytes: this.#options.maxTxFileBytes }).recipient
        .sha512hash;
    } catch (error) {
      ignore(refusalCode(error), error);
      return;
    }
    if (!(await tenants.isServed(recipientHash))) {
      ignore('NOT_SERVED');
      return;
    }
    try {
      const { duplicate } = await relay.acceptInbound(bytes, peer);
      counts.delivered += 1;
      observer?.delivered?.({ peer, cid, recipientHash, duplicate });
    } catch (error) {
      ignore(refusalCode(error), error);
    }
  }
}

/** The code of a refusal that waiting will not change; anything else (retryable, a bug) is thrown on. */
function refusalCode(error: unknown): string {
  if (!(error instanceof AnchorpostError) || error.retryable) throw error;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : 'INTERNAL';
}
