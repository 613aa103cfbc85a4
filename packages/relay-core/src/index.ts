/**
 * @anchorpost/relay-core — the relay's domain logic, framework-free, over the bus, storage and
 * receipt-store ports: accept a transaction-file, store it, sign a receipt, publish it, and
 * deliver accepted files to subscribers with resumable cursors.
 */
export { Relay, CID_HEADER, type SubmitContext, type SubmitResult } from './relay.ts';
export { RELAY_DEFAULTS, type RelayOptions } from './relay-options.ts';
export {
  InboundDelivery,
  type InboundDeliveryOptions,
  type InboundObserver,
  type InboundRunResult,
} from './inbound-delivery.ts';
export type { RelayObserver } from './relay-observer.ts';
export { RelayError, RelayErrorCode, isRelayError } from './relay-error.ts';
export { KeyFiles, MAX_KEY_FILE_BYTES, type StoredKeyFile } from './key-files.ts';
export type { ErgoBlockView } from './ergo-block-view.ts';
export { ErgoNodeBlockView, type ErgoNodeBlockViewOptions } from './ergo-node-block-view.ts';
export { ErgoBlockCheck, type ErgoBlockCheckOptions } from './ergo-block-check.ts';
export {
  RegisteredKeyCheck,
  type ClientKeyRegistry,
  type RegisteredKeyCheckOptions,
} from './registered-key-check.ts';
export { TenantRegistry, type RegistryApiKey, type TenantRegistryFile } from './tenant-registry.ts';
export * from './tenants/index.ts';
export * from './quotas/index.ts';
// A client's outbox of tx-files to a relay (the updater's deploy log, the sponsor's ledger).
export * from './outbox/index.ts';
// Receipts and relay keys: the same surface as the `@anchorpost/relay-core/receipts` subpath.
export * from './receipts.ts';
export type {
  BusPosition,
  ChainPosition,
  GroupChainPosition,
  NewReceipt,
  ReceiptState,
  ReceiptStore,
  StoredReceipt,
} from './receipt-store.ts';
export { MemoryReceiptStore } from './memory-receipt-store.ts';
export { PostgresReceiptStore } from './postgres-receipt-store.ts';
export {
  MAX_PAGE_LIMIT,
  type DeliveredTxFile,
  type MessagesPage,
  type SubscribeOptions,
} from './tx-file-delivery.ts';
export type { RelayReceipt } from '@anchorpost/events';
