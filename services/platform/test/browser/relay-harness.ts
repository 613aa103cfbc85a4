/**
 * What relay-cors.browser.test.ts runs in Chromium: an app's page (another origin than the relay's)
 * making its client key and a group on WebCrypto, sending tx-files to the relay with
 * `RelayClient` from `@anchorpost/sdk/browser-app` (API key in `Authorization`, each receipt's
 * signature checked with the relay's key) and following the group's recipient with
 * `subscribeTxFiles` from a cursor. Each step answers JSON-safe values, or the refusal's code.
 */
import {
  buildGroupTxFileWeb,
  checkReceiptWeb,
  joinGroupWeb,
  newGroupWeb,
  newIdentityWeb,
  openGroupTxFileWeb,
  parseRelayKey,
  RelayClient,
  subscribeTxFiles,
  type GroupMembership,
  type RelayReceipt,
} from '@anchorpost/sdk/browser-app';

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

let membership: GroupMembership;
/** The client's chain: each file names the state after the previous one (the relay refuses a fork: 409). */
let before: string | undefined;
let relay: { url: string; apiKey: string; relayKey: string };

/** A file as the page received it: opened in the group, its receipt checked. */
interface Received {
  readonly cid: string;
  readonly cursor: string;
  readonly text: string;
}

const codeOf = (error: unknown): string => (error as { code?: string }).code ?? String(error);

async function opened(file: { cid: string; cursor: string; bytes: Uint8Array; receipt: unknown }) {
  await checkReceiptWeb(file.receipt as RelayReceipt, file.cid, parseRelayKey(relay.relayKey));
  const tx = await openGroupTxFileWeb(file.bytes, membership, membership.identity.public);
  return { cid: file.cid, cursor: file.cursor, text: new TextDecoder().decode(tx.message.data) };
}

function client(attempts?: number): RelayClient {
  return new RelayClient({
    url: relay.url,
    apiKey: relay.apiKey,
    relayKey: parseRelayKey(relay.relayKey),
    ...(attempts ? { attempts } : {}),
  });
}

export const steps = {
  /** The app's client key and a group of it alone; the key's public halves for the relay's tenant. */
  async start(): Promise<{ suite: string; encryption: string; signing: string }> {
    const identity = await newIdentityWeb('modern');
    membership = await joinGroupWeb(await newGroupWeb([identity.public]), identity);
    const { suite, encryption, signing } = identity.public;
    return { suite, encryption: toBase64(encryption), signing: toBase64(signing) };
  },

  connect(url: string, apiKey: string, relayKey: string): void {
    relay = { url, apiKey, relayKey };
  },

  /** Builds and sends a tx-file: its CID and receipt's sequence, or the refusal's code. */
  async send(text: string, attempts?: number): Promise<{ cid: string; sequence: number } | string> {
    const built = await buildGroupTxFileWeb(membership, {
      blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
      message: { data: new TextEncoder().encode(text) },
      ...(before === undefined ? {} : { before }),
    });
    try {
      const { receipt } = await client(attempts).submit(built.bytes);
      before = built.tx.state.after;
      return { cid: receipt.cid, sequence: receipt.sequence };
    } catch (error) {
      return codeOf(error);
    }
  },

  /**
   * Follows the group's recipient (after `cursor`, else from the live end) until `count` files
   * came; once the stream is live, sends `texts` first. Answers the files, or the refusal's code.
   */
  async follow(count: number, cursor?: string, texts: readonly string[] = []): Promise<Received[] | string> {
    const controller = new AbortController();
    const received: Received[] = [];
    let sending: Promise<unknown> = Promise.resolve();
    try {
      const files = subscribeTxFiles({
        relay: relay.url,
        apiKey: relay.apiKey,
        recipient: membership.recipient,
        signal: controller.signal,
        ...(cursor ? { cursor } : {}),
        onReady: () => {
          sending = texts.reduce<Promise<unknown>>(
            (previous, text) =>
              previous.then(async () => {
                const sent = await steps.send(text);
                if (typeof sent === 'string') controller.abort(new Error(`send refused: ${sent}`));
              }),
            sending,
          );
        },
      });
      for await (const file of files) {
        received.push(await opened(file));
        if (received.length === count) break;
      }
      await sending;
      return controller.signal.aborted ? String(controller.signal.reason) : received;
    } catch (error) {
      return codeOf(error);
    } finally {
      controller.abort();
    }
  },

  /** A bare `fetch` from the page: its status, or `blocked` when the browser refused to expose it. */
  async rawFetch(
    url: string,
    init: { method?: string; headers?: Record<string, string> },
  ): Promise<number | string> {
    try {
      return (await fetch(url, init)).status;
    } catch {
      return 'blocked';
    }
  },
};

export type Steps = typeof steps;
