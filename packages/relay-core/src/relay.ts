/**
 * The relay: accepts a transaction-file for a tenant, signs a receipt, publishes
 * `anchorpost.tx-file.accepted.v1` (whose record carries the exact bytes), and only then
 * acknowledges; the batcher stores and pins the bytes from the record before it seals the file
 * (ADR 0035), and until then `getTxFile` serves them from the record. Delivery to
 * subscribers reads the same topic (see TxFileDelivery). Only canonical v0.2 bytes are accepted
 * (NOT_CANONICAL, LEGACY_TX_FILE) whose client signature verifies, and one tx-file per position in its client's state chain within the group
 * (recipient hash, `client.id`, `state.before`): a second one there is a fork (STATE_FORK), looked
 * for before writing anything and refused by the receipt store's insert across relay processes.
 * With an Ergo node configured, the blocks the file names must be on its chain and recent
 * (ErgoBlockCheck: BLOCK_NOT_ON_CHAIN, BLOCK_ABOVE_TIP, TRUSTEDBLOCK_TOO_OLD, ERGO_NODE_UNAVAILABLE).
 *
 * Order and crash safety, per CID: (1) quotas; (2) receipt persisted in state
 * `signed` (sequence drawn first, then signed) together with the end offset of the recipient's
 * partition read just before (`busEndAtSign`); (3) the bus record published and durable;
 * (4) receipt marked `published`; (5) acknowledged. A retry of the same bytes after a failure at
 * any step finds the stored receipt and redoes only what is missing, returning the same receipt;
 * once (4) is done it never publishes again. A crash after (3) and before (4) leaves a `signed`
 * receipt whose record is on the bus: the retry reads the partition from `busEndAtSign` (at most
 * `maxRecoveryScanRecords` records) for a record with the CID header and, finding it, only does
 * (4). Still published twice (delivery and the batcher drop the second record by CID): a record
 * beyond that bound, a receipt stored before `busEndAtSign` was kept, and two relay processes
 * retrying the same CID at the same moment.
 *
 * Checked files do (1)–(5) in groups (GroupCommit, acceptGroup): those that arrive within a
 * millisecond or while the previous group is in flight share one bus end read, one block of sequences, one receipt transaction, one publish and one
 * `published` update, with the same order and the same guarantees per file; a failure in a
 * shared step fails every file of the group still waiting, leaving each where a single submit
 * failing at that step would. Groups are pipelined two deep: the next group's (0)–(2) run while
 * the previous group does (3)–(4); sequences and bus offsets still follow the queue, and a
 * group's failure fails only its own files.
 */
import type { RelayReceipt } from '@anchorpost/events';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import type { Bus } from '@anchorpost/bus-port';
import type { ContentStore } from '@anchorpost/storage-port';
import { CID_HEADER, finishGroup, prepareGroup } from './accept-group.ts';
import type { Accepting, AcceptGroupParts, AcceptResult, PendingTxFile } from './accept-group.ts';
import { GroupCommit } from './group-commit.ts';
import { NewsSignal } from './news-signal.ts';
import type { ChainPosition, ReceiptStore } from './receipt-store.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';
import { loadRelayKey } from './relay-key.ts';
import type { RelayKey } from './relay-key.ts';
import { notify } from './relay-observer.ts';
import type { RelayObserver } from './relay-observer.ts';
import { relaySettings } from './relay-options.ts';
import type { RelayOptions, RelaySettings } from './relay-options.ts';
import type { TenantDirectory } from './tenants/tenant-directory.ts';
import { TxFileChecks } from './tx-file-checks.ts';
import { TxFileDelivery } from './tx-file-delivery.ts';
import { readTxFile } from './unsealed-tx-file.ts';
import type { DeliveredTxFile, MessagesPage, SubscribeOptions } from './tx-file-delivery.ts';

export interface SubmitContext {
  tenantId: string;
  /** Carried to the observer for logs. */
  requestId?: string;
}

export type SubmitResult = AcceptResult;

/** A group between its stages: the files going on, and when it started (for the observer). */
interface PreparedGroup {
  started: number;
  accepting: Accepting[];
}

export { CID_HEADER };

export class Relay {
  readonly #storage: ContentStore;
  readonly #bus: Bus;
  readonly #receipts: ReceiptStore;
  readonly #tenants: TenantDirectory;
  readonly #key: RelayKey;
  readonly #settings: RelaySettings;
  readonly #observer: RelayObserver | undefined;
  readonly #quotas: RelayOptions['quotas'];
  readonly #news = new NewsSignal();
  readonly #delivery: TxFileDelivery;
  /** Parse, canonical form, CID and client signature of each file, on worker threads if configured. */
  readonly #checks: TxFileChecks;
  /** Submits of one CID in this process run one after another (see #serialize). */
  readonly #inFlight = new Map<string, Promise<unknown>>();
  /** Checked files wait here to be receipted and published in groups. */
  readonly #group: GroupCommit<PendingTxFile, AcceptResult, PreparedGroup>;

  private constructor(options: RelayOptions, settings: RelaySettings, key: RelayKey) {
    this.#storage = options.storage;
    this.#bus = options.bus;
    this.#receipts = options.receipts;
    this.#tenants = options.tenants;
    this.#key = key;
    this.#settings = settings;
    this.#observer = options.observer;
    this.#quotas = options.quotas;
    this.#delivery = new TxFileDelivery(options.bus, settings, this.#news, options.observer);
    this.#checks = new TxFileChecks({
      threads: settings.checkThreads,
      maxWaiting: settings.ingestQueueMaxFiles,
    });
    const parts: AcceptGroupParts = {
      bus: options.bus,
      receipts: options.receipts,
      key,
      settings,
      quotas: options.quotas,
      news: this.#news,
    };
    this.#group = new GroupCommit(
      {
        windowMs: settings.groupCommitWindowMs,
        maxFiles: settings.groupCommitMaxFiles,
        maxBytes: settings.groupCommitMaxBytes,
        maxQueuedFiles: settings.ingestQueueMaxFiles,
        maxQueuedBytes: settings.ingestQueueMaxBytes,
      },
      {
        prepare: async (entries) => {
          const started = performance.now();
          try {
            return { started, accepting: await prepareGroup(parts, entries) };
          } catch (error) {
            this.#grouped(entries, started, true);
            throw error;
          }
        },
        finish: async (entries, { started, accepting }) => {
          let failed = true;
          try {
            await finishGroup(parts, accepting);
            failed = false;
          } finally {
            this.#grouped(entries, started, failed);
          }
        },
      },
    );
  }

  /** A group is done: its size and its time from the start of its first stage to its end. */
  #grouped(entries: readonly { bytes: number }[], started: number, failed: boolean): void {
    notify(this.#observer, 'grouped', {
      files: entries.length,
      bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0),
      durationMs: performance.now() - started,
      failed,
    });
  }

  /** Checked files waiting for their group (not counting the group in flight). */
  get queuedTxFiles(): number {
    return this.#group.queuedFiles;
  }

  /** Checks the options and creates the accepted topic if missing (TOPIC_CONFLICT if it has another partition count). */
  static async open(options: RelayOptions): Promise<Relay> {
    const settings = relaySettings(options);
    const key = loadRelayKey(options.relayKey);
    await options.bus.ensureTopic(TX_FILE_ACCEPTED_TOPIC, { partitions: settings.partitions });
    return new Relay(options, settings, key);
  }

  /** The raw 32-byte Ed25519 public key receipts verify against. */
  get publicKey(): Uint8Array {
    return this.#key.publicKeyRaw.slice();
  }

  /** SHA-256 hex of `publicKey`: the `relayKeyId` of every receipt. */
  get keyId(): string {
    return this.#key.keyId;
  }

  async submit(bytes: Uint8Array, context: SubmitContext): Promise<SubmitResult> {
    const started = performance.now();
    const { tenantId, requestId } = context;
    try {
      const result = await this.#submit(bytes, tenantId);
      notify(this.#observer, 'accepted', {
        tenantId,
        requestId,
        receipt: result.receipt,
        duplicate: result.duplicate,
        bytes: bytes.byteLength,
        durationMs: performance.now() - started,
      });
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      notify(this.#observer, 'rejected', {
        tenantId,
        requestId,
        code: typeof code === 'string' ? code : 'INTERNAL',
        error,
      });
      throw error;
    }
  }

  async #submit(bytes: Uint8Array, tenantId: string): Promise<SubmitResult> {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
    const max = this.#settings.maxTxFileBytes;
    if (bytes.byteLength > max) {
      throw new RelayError(
        RelayErrorCode.TooLarge,
        `the tx-file has ${bytes.byteLength} bytes, at most ${max} are accepted`,
      );
    }
    // A tenant we do not serve costs no YAML parsing.
    await this.#tenants.checkTenant(tenantId);
    await this.#quotas?.checkSize(tenantId, bytes.byteLength);
    // Only the canonical form: a comment or another key order would give the same message
    // another CID, so another receipt and another delivery (NOT_CANONICAL). No v0.1 file: its
    // signature covers only the group-keyed after-state, so one seen on any accepted file could
    // be put on other bytes, whoever it claims to be from (LEGACY_TX_FILE).
    const { tx, cid } = await this.#checks.parse(bytes, max);
    // v0.2: the client's signature covers the file's public digest, so it ties this client to these bytes.
    await this.#checks.verify(tx, await this.#tenants.clientKey(tenantId, tx.client.id));
    // Key transparency, when required: the signing client key is one its users can see published.
    await this.#settings.registeredKeyCheck?.check(tx.client.id);
    // Only for an authenticated client's file: the blocks it names are on the relay's chain.
    await this.#settings.blockCheck?.check(tx.blockchain);
    const chainPosition: ChainPosition = { clientId: tx.client.id, stateBefore: tx.state.before };
    // Before the receipt, so a sender may subscribe as soon as it holds one. A file refused after
    // this (a fork, a quota, the bus down) leaves the entitlement: its client did sign a file to
    // this recipient, so the tenant could as well have sent one that is accepted.
    await this.#tenants.recordRecipient?.(tenantId, tx.recipient.sha512hash);
    const pending: PendingTxFile = {
      cid,
      tenantId,
      recipientHash: tx.recipient.sha512hash,
      chainPosition,
      bytes,
    };
    return this.#serialize(cid, () => this.#group.enqueue(pending, bytes.byteLength));
  }

  /**
   * Takes a file a peer platform anchored (ADR 0031) for delivery here: a receipt of this relay, published marked with its origin — the same steps and the same crash
   * safety as `submit`, so a second call with the same bytes (a restart of the inbound loop)
   * publishes nothing again. No tenant, client key, quota or block check: the peer's relay did
   * those, and its anchor, which the parser checked against the peer's trust roots, vouches for
   * the bytes. A file that would fork a local state chain is still refused (STATE_FORK). The
   * receipt is recorded under the tenant id `peer:<name>`.
   */
  async acceptInbound(bytes: Uint8Array, origin: string): Promise<SubmitResult> {
    const { tx, cid } = await this.#checks.parse(bytes, this.#settings.maxTxFileBytes);
    const chainPosition: ChainPosition = { clientId: tx.client.id, stateBefore: tx.state.before };
    const pending: PendingTxFile = {
      cid,
      tenantId: `peer:${origin}`,
      recipientHash: tx.recipient.sha512hash,
      chainPosition,
      bytes,
      origin,
    };
    return this.#serialize(cid, () => this.#group.enqueue(pending, bytes.byteLength));
  }

  /**
   * Two submits of the same bytes in this process must not both publish: the second waits for
   * the first and then finds its receipt published. (Across relay processes the rare race is the
   * documented duplicate record, which delivery drops by CID.)
   */
  async #serialize<T>(cid: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#inFlight.get(cid);
    const current = (previous ?? Promise.resolve()).catch(() => undefined).then(run);
    this.#inFlight.set(cid, current);
    try {
      return await current;
    } finally {
      if (this.#inFlight.get(cid) === current) this.#inFlight.delete(cid);
    }
  }

  /** Stops the check threads (submits still being checked fail); delivery and groups need no closing. */
  async close(): Promise<void> {
    await this.#checks.close();
  }

  /** The receipt of an accepted (published) tx-file; null if this relay never acknowledged it. */
  async getReceipt(cid: string): Promise<RelayReceipt | null> {
    const stored = await this.#receipts.get(cid);
    return stored?.state === 'published' ? stored.receipt : null;
  }

  /**
   * The bytes of an accepted tx-file (at most `maxTxFileBytes`): from storage once the batcher has
   * stored it, before that (or while storage is down) from the bus record its receipt points to
   * (unsealed-tx-file.ts). NOT_FOUND when neither has it.
   */
  getTxFile(cid: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    return readTxFile(
      { storage: this.#storage, bus: this.#bus, receipts: this.#receipts, settings: this.#settings },
      cid,
      options.signal,
    );
  }

  /** See TxFileDelivery.startCursor: checks a subscription's start and names it as a cursor. */
  subscriptionStart(recipientHash: string, cursor?: string): Promise<string> {
    return this.#delivery.startCursor(recipientHash, cursor);
  }

  subscribe(
    recipientHash: string,
    options: SubscribeOptions,
  ): AsyncGenerator<DeliveredTxFile, void, undefined> {
    return this.#delivery.subscribe(recipientHash, options);
  }

  messagesSince(recipientHash: string, cursor: string | null, limit: number): Promise<MessagesPage> {
    return this.#delivery.messagesSince(recipientHash, cursor, limit);
  }

  /** Partitions this process reads now for its subscribers: one reader each, however many subscribe. */
  get deliveryReaders(): number {
    return this.#delivery.sharedReaders;
  }
}
