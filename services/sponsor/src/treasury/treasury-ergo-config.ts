/**
 * The treasury's Ergo side (`ANCHORPOST_SPONSOR_TREASURY_ERGO_*`): a wallet of its own (a BIP-39
 * mnemonic file) that keeps the anchorer's Ergo address — the float its anchoring transactions
 * draw their fees from — above a minimum, through an Ergo node with the extra index, under a day
 * cap of its own (ERG). Without the mnemonic file there is no Ergo float to keep.
 */
import { ERGO_NETWORKS, ErgoNodeClient } from '@anchorpost/chains';
import { ergoKeyFromFile } from '@anchorpost/runtime';
import { ConfigError } from '@anchorpost/service-kit';
import type { ConfigOf } from '@anchorpost/service-kit';
import { ergoTreasuryChain } from './ergo-treasury-chain.ts';
import type { TreasuryAccount } from './treasury.ts';

export const treasuryErgoConfigSchema = {
  /** The treasury's Ergo wallet, a file holding its BIP-39 mnemonic: when set, the addresses of ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS are kept funded from it. */
  mnemonicFile: {
    kind: 'string',
    env: 'ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE',
    optional: true,
    secret: true,
  },
  /** The Ergo node (with the extra index) the treasury reads balances from and submits its payments to. */
  nodeUrl: { kind: 'url', env: 'ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL', default: '' },
  /** The network of the treasury's wallet and of the addresses: `mainnet`, `testnet` or `devnet`. */
  network: {
    kind: 'enum',
    env: 'ANCHORPOST_SPONSOR_TREASURY_ERGO_NETWORK',
    values: ERGO_NETWORKS,
    default: 'mainnet',
  },
  /** The Ergo addresses kept funded: the anchorer's (`anchorpost ergo address`). */
  accounts: {
    kind: 'list',
    of: 'string',
    env: 'ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS',
    pattern: /^[1-9A-HJ-NP-Za-km-z]{30,}$/,
    default: [],
  },
  /** Below this balance (ERG) an Ergo address is paid up to 120 % of it. */
  minimum: {
    kind: 'amount',
    env: 'ANCHORPOST_SPONSOR_TREASURY_ERGO_MINIMUM_ERG',
    decimals: 9,
    default: 1_000_000_000n,
  },
  /** At most this much (ERG) is paid per UTC day, all Ergo addresses together. */
  dailyCap: {
    kind: 'amount',
    env: 'ANCHORPOST_SPONSOR_TREASURY_ERGO_DAILY_CAP_ERG',
    decimals: 9,
    default: 10_000_000_000n,
  },
} as const;

export type TreasuryErgoConfig = ConfigOf<typeof treasuryErgoConfigSchema>;

/** The Ergo addresses the treasury keeps funded, each `anchorer:ergo[:n]`; none without a mnemonic file. */
export function ergoTreasuryAccounts(config: TreasuryErgoConfig): TreasuryAccount[] {
  if (config.mnemonicFile === undefined) return [];
  for (const [setting, missing] of [
    [treasuryErgoConfigSchema.nodeUrl.env, config.nodeUrl === ''],
    [treasuryErgoConfigSchema.accounts.env, config.accounts.length === 0],
  ] as const) {
    if (missing) throw new ConfigError(setting, `required with ${treasuryErgoConfigSchema.mnemonicFile.env}`);
  }
  const { wallet } = ergoKeyFromFile({
    setting: treasuryErgoConfigSchema.mnemonicFile.env,
    path: config.mnemonicFile,
    network: config.network,
  });
  const chain = ergoTreasuryChain({
    client: new ErgoNodeClient({ urls: [config.nodeUrl] }),
    wallet,
    dailyCapNanoErg: config.dailyCap,
  });
  return config.accounts.map((address, i) => ({
    name: i === 0 ? 'anchorer:ergo' : `anchorer:ergo:${i}`,
    address,
    minimum: config.minimum,
    chain,
  }));
}
