/**
 * The sponsor's own settings (`ANCHORPOST_SPONSOR_*`). The chain's RPC comes from the `evmRpc`
 * adapter (`ANCHORPOST_EVM_RPC_URLS`, `ANCHORPOST_EVM_CHAIN_ID`); the tenants' policies, the
 * governors and the tenants' own sponsor keys from the policy file (sponsor-policy-file.ts).
 */
import { managementConfigSchema, type ConfigOf } from '@anchorpost/service-kit';

export const sponsorConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_SPONSOR_HOST', default: '127.0.0.1' },
  httpPort: { kind: 'int', env: 'ANCHORPOST_SPONSOR_HTTP_PORT', default: 7490, min: 0, max: 65_535 },
  grpcPort: { kind: 'int', env: 'ANCHORPOST_SPONSOR_GRPC_PORT', default: 7491, min: 0, max: 65_535 },
  ...managementConfigSchema('SPONSOR', 7492),
  /** The AnchorpostForwarder (ERC-2771) the forward requests name. */
  forwarder: { kind: 'string', env: 'ANCHORPOST_SPONSOR_FORWARDER', pattern: /^0x[0-9a-fA-F]{40}$/ },
  /** JSON: the tenants' policies, the governors whose ballots are sponsored, tenants' own key files. */
  policyFile: { kind: 'string', env: 'ANCHORPOST_SPONSOR_POLICY_FILE' },
  /** The shared sponsor account's private key (hex), for every tenant without an account of its own. */
  keyFile: { kind: 'string', env: 'ANCHORPOST_SPONSOR_KEY_FILE', secret: true },
  /** Blocks (the transaction's own counts) before a sponsored transaction counts as confirmed. */
  confirmations: { kind: 'int', env: 'ANCHORPOST_SPONSOR_CONFIRMATIONS', default: 3, min: 1 },
  /** Blocks after which reorgs are no longer watched and a sponsorship is `final`. */
  finalityDepth: { kind: 'int', env: 'ANCHORPOST_SPONSOR_FINALITY_DEPTH', default: 12, min: 1 },
  /** How long a sent transaction may stay unmined before it is replaced with higher fees. */
  replaceAfter: { kind: 'duration', env: 'ANCHORPOST_SPONSOR_REPLACE_AFTER', default: 60_000 },
  /** A sponsorship is sent only with at least this much of its deadline left (seconds). */
  sendMarginSeconds: { kind: 'int', env: 'ANCHORPOST_SPONSOR_SEND_MARGIN_SECONDS', default: 60, min: 0 },
  /** A ballot has no deadline of its own: its reservation is released this long after acceptance. */
  ballotTtlSeconds: { kind: 'int', env: 'ANCHORPOST_SPONSOR_BALLOT_TTL_SECONDS', default: 3_600, min: 60 },
  /** How often each sponsor account's sender passes (take, send, follow, settle) when all is well. */
  sendInterval: { kind: 'duration', env: 'ANCHORPOST_SPONSOR_SEND_INTERVAL', default: 2_000 },
  /** Ceiling of the backoff between passes while the chain or the database keeps failing. */
  maxSendBackoff: { kind: 'duration', env: 'ANCHORPOST_SPONSOR_MAX_SEND_BACKOFF', default: 60_000 },
  /**
   * The treasury's key file: when set, the sponsor accounts (and the accounts of
   * ANCHORPOST_SPONSOR_TREASURY_ACCOUNTS) are kept above the minimum from it.
   */
  treasuryKeyFile: {
    kind: 'string',
    env: 'ANCHORPOST_SPONSOR_TREASURY_KEY_FILE',
    optional: true,
    secret: true,
  },
  /** Below this balance (ETH) an account is refilled to 120 % of it. */
  treasuryMinimum: {
    kind: 'amount',
    env: 'ANCHORPOST_SPONSOR_TREASURY_MINIMUM_ETH',
    decimals: 18,
    default: 500_000_000_000_000_000n,
  },
  /** At most this much (ETH) is sent in refills per UTC day, all accounts together. */
  treasuryDailyCap: {
    kind: 'amount',
    env: 'ANCHORPOST_SPONSOR_TREASURY_DAILY_CAP_ETH',
    decimals: 18,
    default: 5_000_000_000_000_000_000n,
  },
  /** More accounts the treasury keeps funded, e.g. the anchorer's EVM account. */
  treasuryAccounts: {
    kind: 'list',
    of: 'string',
    env: 'ANCHORPOST_SPONSOR_TREASURY_ACCOUNTS',
    pattern: /^0x[0-9a-fA-F]{40}$/,
    default: [],
  },
  /** How often the treasury looks at the balances. */
  treasuryInterval: { kind: 'duration', env: 'ANCHORPOST_SPONSOR_TREASURY_INTERVAL', default: 60_000 },
} as const;

export type SponsorConfig = ConfigOf<typeof sponsorConfigSchema>;
