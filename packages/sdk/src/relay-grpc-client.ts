/**
 * A relay over gRPC (`anchorpost.relay.v1.RelayService`, proto/ in `@anchorpost/proto`): submit a
 * tx-file with the tenant's API key, its receipt checked as over HTTP. Like the HTTP client it
 * retries the same bytes on failures that can pass (UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, or a trailer saying `retryable`): the relay accepts a file once by its CID.
 * Node only (grpc-js, loaded on the first call: an app or command that never calls gRPC does not
 * pay for loading it).
 */
import { fileURLToPath } from 'node:url';
import type { ChannelCredentials, Client, ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import type { RelayPublicKey, RelayReceipt } from './receipts.ts';
import type { SubmittedTxFile } from './relay-client.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { submitWithRetries } from './submit-with-retries.ts';

const RELAY_PROTO_FILE = 'anchorpost/relay/v1/relay_service.proto';
const RELAY_SERVICE = 'anchorpost.relay.v1.RelayService';

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

interface ReceiptMessage {
  version: number;
  cid: string;
  recipientHash: string;
  acceptedAt: string;
  /** uint64 as decimal text (the loader's `longs: String`), so nothing is rounded. */
  sequence: string;
  relayKeyId: string;
  signature: string;
}

type Grpc = typeof import('@grpc/grpc-js');

let submitMethod: MethodDefinition<object, object> | undefined;

/** SubmitTxFile, loaded once from the contract, with the relay's own loader options. */
async function submitTxFileMethod(): Promise<MethodDefinition<object, object>> {
  if (submitMethod === undefined) {
    const { loadSync } = await import('@grpc/proto-loader');
    const file = fileURLToPath(import.meta.resolve(`@anchorpost/proto/${RELAY_PROTO_FILE}`));
    const dir = file.slice(0, -RELAY_PROTO_FILE.length);
    const loaded = loadSync(file, {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: [dir],
    });
    const { SubmitTxFile } = loaded[RELAY_SERVICE] as ServiceDefinition;
    if (SubmitTxFile === undefined) throw new Error(`${RELAY_PROTO_FILE} has no SubmitTxFile`);
    submitMethod = SubmitTxFile;
  }
  return submitMethod;
}

/** A refused call as an SdkError: the relay's code, field and retryable flag come in trailers. */
function callError({ status }: Grpc, error: ServiceError): SdkError {
  const retryableStatus = [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED];
  const trailer = (name: string) => {
    const [value] = error.metadata.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const apiCode = trailer('anchorpost-error-code');
  const retryable = trailer('anchorpost-error-retryable') === 'true' || retryableStatus.includes(error.code);
  const options = {
    cause: error,
    apiCode,
    field: trailer('anchorpost-error-field'),
    requestId: trailer('x-request-id'),
  };
  const message = `SubmitTxFile: ${status[error.code]}${apiCode === undefined ? '' : ` ${apiCode}`}: ${error.details}`;
  if (retryable) return new SdkError(SdkErrorCode.Unavailable, message, options);
  return new SdkError(
    error.code === status.NOT_FOUND ? SdkErrorCode.NotFound : SdkErrorCode.Refused,
    message,
    options,
  );
}

export class RelayGrpcClient {
  readonly #options: RelayGrpcClientOptions;
  #connection: { grpc: Grpc; client: Client } | undefined;
  #closed = false;

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
    const method = await submitTxFileMethod();
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
            reject(callError(grpc, error));
            return;
          }
          const { receipt, duplicate } = response as { receipt: ReceiptMessage | null; duplicate: boolean };
          if (receipt === null) {
            reject(new SdkError(SdkErrorCode.BadResponse, 'SubmitTxFile answered without a receipt'));
            return;
          }
          // The signed receipt has `sequence` as a number; the wire carries it as decimal text.
          // (Exact below 2^53: a relay's acceptance count.)
          const signed = { ...receipt, version: receipt.version as 1, sequence: Number(receipt.sequence) };
          resolve({ receipt: signed satisfies RelayReceipt, duplicate });
        },
      );
    });
  }

  close(): void {
    this.#closed = true;
    this.#connection?.client.close();
  }
}
