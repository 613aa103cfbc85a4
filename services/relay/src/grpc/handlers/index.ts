/** One handler per RPC of `anchorpost.relay.v1.RelayService`; relay-grpc-service.ts wires them. */
export { getReceiptHandler } from './get-receipt.ts';
export { storeKeyFileHandler } from './store-key-file.ts';
export { submitTxFileHandler } from './submit-tx-file.ts';
export { submitTxFilesHandler } from './submit-tx-files.ts';
export { subscribeHandler } from './subscribe.ts';
