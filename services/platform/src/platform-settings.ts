/**
 * What `npm start` reads, as data, for the generated settings table: its own settings and every
 * service's. The EVM settings but the local chain's own facts, Ergo when its node is set, the
 * sponsor's with ANCHORPOST_PLATFORM_SPONSOR.
 */
import { anchorerConfigSchema } from '@anchorpost/anchorer-service';
import { batcherConfigSchema } from '@anchorpost/batcher-service';
import { ergoChainConfigSchema, evmChainConfigSchema } from '@anchorpost/chains';
import { parserConfigSchema } from '@anchorpost/parser-service';
import { proofApiConfigSchema } from '@anchorpost/proof-api-service';
import { relayConfigSchema } from '@anchorpost/relay-service';
import {
  sponsorConfigSchema,
  sponsorLedgerConfigSchema,
  treasuryErgoConfigSchema,
} from '@anchorpost/sponsor-service';
import { ergoKeyConfigSchema, type ServiceSettings } from '@anchorpost/runtime';
import { loggerConfigSchema, type ConfigSchema } from '@anchorpost/service-kit';
import { platformConfigSchema } from './platform-config.ts';

/**
 * The sponsor's settings as the platform reads them: not the forwarder (the platform deploys its
 * own on the local chain), and the key and policy files in the data folder unless set.
 */
const platformSponsorSchema: ConfigSchema = {
  ...Object.fromEntries(Object.entries(sponsorConfigSchema).filter(([name]) => name !== 'forwarder')),
  keyFile: { ...sponsorConfigSchema.keyFile, default: '<data folder>/keys/sponsor-key' },
  policyFile: { ...sponsorConfigSchema.policyFile, default: '<data folder>/sponsor-policy.json' },
};

/**
 * The sponsor ledger's way to a relay: the platform's own relay, with a client key, group and API
 * key it creates in the data folder, unless ANCHORPOST_SPONSOR_LEDGER_RELAY_URL names another
 * (then the others are read as set). The forwarder's deploy block is the local chain's, never read.
 */
const ledger = sponsorLedgerConfigSchema;
const platformLedgerSchema: ConfigSchema = {
  ...Object.fromEntries(Object.entries(ledger).filter(([name]) => name !== 'forwarderDeployBlock')),
  relayUrl: { ...ledger.relayUrl, default: "<the platform's relay>" },
  relayApiKeyFile: { ...ledger.relayApiKeyFile, default: '<data folder>/keys/sponsor-ledger-api-key' },
  identityFile: { ...ledger.identityFile, default: '<data folder>/keys/sponsor-ledger-identity.json' },
  groupFile: { ...ledger.groupFile, default: '<data folder>/keys/sponsor-ledger-group.json' },
  ergoNodeUrl: { ...ledger.ergoNodeUrl, default: '<the first of ANCHORPOST_ERGO_NODE_URLS, if set>' },
};

/** The treasury's Ergo side, read as the sponsor reads it, its address, node and network the platform's. */
const ergoTreasury = treasuryErgoConfigSchema;
const platformErgoTreasurySchema: ConfigSchema = {
  ...ergoTreasury,
  accounts: { ...ergoTreasury.accounts, default: ["<the anchorer's Ergo address, with Ergo on>"] },
  nodeUrl: { ...ergoTreasury.nodeUrl, default: '<the first of ANCHORPOST_ERGO_NODE_URLS, if set>' },
  network: { ...ergoTreasury.network, default: '<ANCHORPOST_ERGO_NETWORK>' },
};

export const platformSettings: ServiceSettings = {
  service: 'platform',
  always: [
    loggerConfigSchema,
    platformConfigSchema,
    relayConfigSchema,
    batcherConfigSchema,
    anchorerConfigSchema,
    parserConfigSchema,
    proofApiConfigSchema,
  ],
  sometimes: [
    evmChainConfigSchema,
    ergoChainConfigSchema,
    ergoKeyConfigSchema,
    platformSponsorSchema,
    platformLedgerSchema,
    platformErgoTreasurySchema,
  ],
};
