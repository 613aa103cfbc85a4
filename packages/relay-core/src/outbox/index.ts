export { OutboxError, OutboxErrorCode } from './outbox-error.ts';
export {
  drainTxFileOutbox,
  outboxTxFile,
  type OutboxRecord,
  type OutboxTxFile,
  type TxFileAuthor,
  type TxFileOutbox,
  type TxFileOutboxStore,
  type TxFileSubmitter,
} from './tx-file-outbox.ts';
export { RelayTxFileSubmitter, type RelayTxFileSubmitterOptions } from './relay-tx-file-submitter.ts';
export { ergoBlockRefs } from './ergo-block-refs.ts';
export { outboxRelay, type OutboxRelay, type OutboxRelaySettings } from './outbox-relay.ts';
