/**
 * The Ergo networks Anchorpost anchors on, their address prefixes, and the start-up check that a
 * node serves the configured one. A private network (`devnet`, what `ergo.jar --devnet` runs)
 * is a network like the public two: its anchors carry chain id `devnet`, and a node on another
 * network is refused when a service starts, never when it answers a request.
 */
import { ConfigError } from '@anchorpost/config';
import * as ergo from 'ergo-lib-wasm-nodejs';
import type { ErgoNodeInfo } from './node-types.ts';

export const ERGO_NETWORKS = ['mainnet', 'testnet', 'devnet'] as const;
/** The setting that names the network (ergo-config.ts), named by a mismatch at start. */
export const ERGO_NETWORK_SETTING = 'ANCHORPOST_ERGO_NETWORK';
export type ErgoNetwork = (typeof ERGO_NETWORKS)[number];

export function isErgoNetwork(value: unknown): value is ErgoNetwork {
  return (ERGO_NETWORKS as readonly unknown[]).includes(value);
}

/**
 * The address network prefix of each network: mainnet 0x00, testnet 0x10. A devnet node's own
 * prefix (0x20) is refused by sigma 5's address endpoints, so devnets run with
 * `ergo.chain.addressPrefix = 16` and their addresses carry the testnet prefix.
 */
export function networkPrefix(network: ErgoNetwork): ergo.NetworkPrefix {
  return network === 'mainnet' ? ergo.NetworkPrefix.Mainnet : ergo.NetworkPrefix.Testnet;
}

/**
 * Refuses a node that reports another network than `network` (ConfigError naming `setting`, so a
 * service main reports `BAD_CONFIG <setting>` and exits 2). Called once, when a service starts.
 * A node that does not say its network is taken at its word (older nodes omit the field).
 */
export async function checkErgoNodeNetwork(
  node: { info(): Promise<Pick<ErgoNodeInfo, 'network'>> },
  network: ErgoNetwork,
  setting: string = ERGO_NETWORK_SETTING,
): Promise<void> {
  const served = (await node.info()).network;
  if (served !== undefined && served !== network) {
    throw new ConfigError(setting, `the Ergo node is on ${served}, configured ${network}`);
  }
}
