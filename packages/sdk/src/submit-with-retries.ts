// The one submit loop of the HTTP and gRPC relay clients: the size check, the same bytes again on
// UNAVAILABLE with doubling delays, and the receipt checked to be for these bytes.
// Portable (fetch, WebCrypto): the browser's RelayClient runs it too.
import { cidForBytesWeb } from '@anchorpost/protocol/portable';
import { DEFAULT_TX_FILE_LIMITS } from '@anchorpost/protocol/web';
import { checkReceiptWeb, type RelayPublicKey } from './receipts-web.ts';
import type { SubmittedTxFile } from './relay-client.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export interface SubmitRetryOptions {
  /** Tries in all (default 4). */
  readonly attempts?: number;
  /** The first wait between tries, doubled each time (default 250 ms). */
  readonly retryDelayMs?: number;
  /** The relay's receipt key: the receipt's signature is checked when given. */
  readonly relayKey?: RelayPublicKey;
}

/** `submitOnce` until a receipt for `bytes` comes back; any refusal but UNAVAILABLE is final. */
export async function submitWithRetries(
  bytes: Uint8Array,
  options: SubmitRetryOptions,
  submitOnce: (bytes: Uint8Array) => Promise<SubmittedTxFile>,
): Promise<SubmittedTxFile> {
  if (bytes.byteLength > DEFAULT_TX_FILE_LIMITS.maxBytes) {
    throw new SdkError(
      SdkErrorCode.InvalidInput,
      `a tx-file is at most ${DEFAULT_TX_FILE_LIMITS.maxBytes} bytes`,
    );
  }
  const cid = await cidForBytesWeb(bytes);
  const attempts = Math.max(1, options.attempts ?? 4);
  const firstDelay = options.retryDelayMs ?? 250;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const submitted = await submitOnce(bytes);
      await checkReceiptWeb(submitted.receipt, cid, options.relayKey);
      return submitted;
    } catch (error) {
      const again =
        error instanceof SdkError && error.code === SdkErrorCode.Unavailable && attempt < attempts;
      if (!again) throw error;
      await new Promise((resolve) => setTimeout(resolve, firstDelay * 2 ** (attempt - 1)));
    }
  }
}
