/**
 * A relay over gRPC (`anchorpost.relay.v1.RelayService`, proto/ in `@anchorpost/proto`): submit a
 * tx-file with the tenant's API key, its receipt checked as over HTTP, and follow a recipient's
 * files. Like the HTTP client it retries the same bytes on failures that can pass (UNAVAILABLE,
 * DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, or a trailer saying `retryable`): the relay accepts a file
 * once by its CID. Its subscription is the HTTP one's loop (./subscription-loop.ts) over
 * `Subscribe` calls (./relay-grpc-subscription.ts). Node only (grpc-js, loaded on the first call:
 * an app or command that never calls gRPC does not pay for loading it).
 */
import type { ChannelCredentials, Client, ServiceError } from '@grpc/grpc-js';
import type { RelayPublicKey } from './receipts.ts';
import type { SubmittedTxFile } from './relay-client.ts';
import { callError, relayMethod, signedReceipt, type Grpc, type ReceiptMessage } from './relay-grpc-calls.ts';
import { grpcSubscribeStream } from './relay-grpc-subscription.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { submitWithRetries } from './submit-with-retries.ts';
import {
  resumableSubscription,
  type DeliveredTxFile,
  type ResumableSubscriptionOptions,
  type StreamEvent,
} from './subscription-loop.ts';

export interface RelayGrpcClientOptions {
  /** `host:port` of the relay's gRPC listener. */
  readonly address: string;
  readonly apiKey: string;
  /** The tenant the files are for; empty lets the relay take the key's own. */
  readonly tenant?: string | undefined;
  readonly relayKey?: RelayPublicKey | undefined;
  /** Default plaintext; `credentials.createSsl(ca)` for TLS. */
  readonly credentials?: ChannelCredentials | undefined;
  /** Tries per submission, the first included; default 4. */
  readonly attempts?: number | undefined;
  /** First delay between tries, doubled each time; default 250 ms. */
  readonly retryDelayMs?: number | undefined;
  /** Per call; default 30 s. */
  readonly timeoutMs?: number | undefined;
}

export class RelayGrpcClient {
  readonly #options: RelayGrpcClientOptions;
  #connection: { grpc: Grpc; client: Client } | undefined;
  #closed = false;
  /** Aborted by close(): ends the client's subscriptions. */
  readonly #closing = new AbortController();

  constructor(options: RelayGrpcClientOptions) {
    this.#options = options;
  }

  async #connect(): Promise<{ grpc: Grpc; client: Client }> {
    if (this.#connection === undefined) {
      const grpc = await import('@grpc/grpc-js');
      const channel = this.#options.credentials ?? grpc.credentials.createInsecure();
      this.#connection = { grpc, client: new grpc.Client(this.#options.address, channel) };
      if (this.#closed) this.#connection.client.close();
    }
    return this.#connection;
  }

  /** As {@link RelayClient.submit}, over gRPC. */
  async submit(bytes: Uint8Array): Promise<SubmittedTxFile> {
    return submitWithRetries(bytes, this.#options, (b) => this.#submitOnce(b));
  }

  async #submitOnce(bytes: Uint8Array): Promise<SubmittedTxFile> {
    const method = await relayMethod('SubmitTxFile');
    const { grpc, client } = await this.#connect();
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${this.#options.apiKey}`);
    const deadline = new Date(Date.now() + (this.#options.timeoutMs ?? 30_000));
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        { tenantId: this.#options.tenant ?? '', txFile: Buffer.from(bytes) },
        metadata,
        { deadline },
        (error: ServiceError | null, response?: object) => {
          if (error) {
            reject(callError(grpc, error, 'SubmitTxFile'));
            return;
          }
          const { receipt, duplicate } = response as { receipt: ReceiptMessage | null; duplicate: boolean };
          if (receipt === null) {
            reject(new SdkError(SdkErrorCode.BadResponse, 'SubmitTxFile answered without a receipt'));
            return;
          }
          resolve({ receipt: signedReceipt(receipt), duplicate });
        },
      );
    });
  }

  /**
   * The files sent to `recipient` (its hash, `GroupMembership.recipient`), as
   * {@link RelayClient.subscribe} over HTTP: the same files, cursors, reconnects with back-off and
   * errors. Needs an API key with the `subscribe` scope; ends when `signal` aborts or the client
   * is closed.
   */
  subscribe(
    recipient: string,
    options: ResumableSubscriptionOptions = {},
  ): AsyncGenerator<DeliveredTxFile, void, undefined> {
    const signal =
      options.signal === undefined
        ? this.#closing.signal
        : AbortSignal.any([options.signal, this.#closing.signal]);
    return resumableSubscription({ ...options, signal }, (cursor, stream) =>
      this.#subscribeOnce(recipient, cursor, stream),
    );
  }

  async *#subscribeOnce(
    recipient: string,
    cursor: string | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<StreamEvent> {
    const [method, { grpc, client }] = await Promise.all([relayMethod('Subscribe'), this.#connect()]);
    yield* grpcSubscribeStream(
      { grpc, client, method, apiKey: this.#options.apiKey, recipient },
      cursor,
      signal,
    );
  }

  /** Closes the channel and ends the client's subscriptions. */
  close(): void {
    this.#closed = true;
    this.#closing.abort();
    this.#connection?.client.close();
  }
}
