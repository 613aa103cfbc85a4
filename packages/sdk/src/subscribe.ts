/**
 * @anchorpost/sdk/subscribe — following a relay's files with a resumable cursor, for browsers and
 * Node (`fetch`, WebCrypto). An entry of its own: checking each file's CID needs the UnixFS
 * importer, which would nearly double the browser verify entry.
 */
export { readSse } from './sse.ts';
export type { SseEvent } from './sse.ts';
export { subscribeTxFiles } from './relay-subscription.ts';
export type {
  DeliveredTxFile,
  ResumableSubscriptionOptions,
  SubscribeOptions,
} from './relay-subscription.ts';
