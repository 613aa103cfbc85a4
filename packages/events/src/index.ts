/** The bus topics of Anchorpost (`anchorpost.<entity>.<event>.v<N>`) with key and value codecs. */
export { EventDecodeError } from './event-error.ts';
export {
  txFileAccepted,
  TX_FILE_ACCEPTED_TOPIC,
  type TxFileAccepted,
  type RelayReceipt,
} from './tx-file-accepted.ts';
export { batchSealed, BATCH_SEALED_TOPIC, type BatchSealed } from './batch-sealed.ts';
