/**
 * Settings of the one-process platform (`npm start`), from the environment. Each service also
 * reads its own `ANCHORPOST_<SERVICE>_*` settings; these are the shared, embedded-mode ones.
 */
import type { ConfigOf } from '@anchorpost/service-kit';

export const platformConfigSchema = {
  /** Everything the platform keeps: database, bus, IPFS blocks, chain state, keys. */
  dataDir: { kind: 'string', env: 'ANCHORPOST_DATA_DIR', default: 'data' },
  /** The local EVM chain (anvil) for anchoring. */
  anvilPort: { kind: 'int', env: 'ANCHORPOST_ANVIL_PORT', default: 8545, min: 0, max: 65_535 },
  /** Seconds between the local chain's blocks (anchors need confirmations, so blocks must come). */
  anvilBlockTime: { kind: 'int', env: 'ANCHORPOST_ANVIL_BLOCK_TIME', default: 1, min: 1, max: 3600 },
  evmChainId: { kind: 'int', env: 'ANCHORPOST_EVM_CHAIN_ID', default: 31_337, min: 1 },
  /** Confirmations before an anchor counts as CONFIRMED on the local chain. */
  evmConfirmations: { kind: 'int', env: 'ANCHORPOST_EVM_CONFIRMATIONS', default: 3, min: 1, max: 1000 },
  /**
   * Also run the sponsor (docs/sponsor.md) on the local chain: its contracts deployed on first
   * start, anvil's second development account paying, policies in `sponsor-policy.json`.
   */
  sponsor: { kind: 'bool', env: 'ANCHORPOST_PLATFORM_SPONSOR', default: false },
  /** Largest bus record: a tx-file (≤ 1 MiB) plus its receipt and framing. */
  busMaxRecordBytes: {
    kind: 'int',
    env: 'ANCHORPOST_BUS_MAX_RECORD_BYTES',
    default: 2 * 1_048_576,
    min: 64 * 1024,
    max: 64 * 1_048_576,
  },
} as const;

export type PlatformConfig = ConfigOf<typeof platformConfigSchema>;
