/** The Ergo adapters: node client, wallet, marker-token anchor boxes, reader and AnchorChain. */
export * from './anchor-box.ts';
export * from './anchor-transaction.ts';
export * from './ergo-chain.ts';
export * from './ergo-chain-reader.ts';
export * from './ergo-config.ts';
export * from './ergo-driver.ts';
export * from './ergo-json.ts';
export * from './ergo-network.ts';
export * from './ergo-payment.ts';
export * from './ergo-node-client.ts';
export * from './ergo-wallet.ts';
export * from './mint-marker.ts';
export type * from './node-types.ts';
