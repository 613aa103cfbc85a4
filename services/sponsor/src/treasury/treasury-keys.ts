/**
 * The treasury's keys from the settings, the one way both starts read them (the stand-alone
 * sponsor's main.ts and the platform's `npm start`): the EVM treasury key of
 * ANCHORPOST_SPONSOR_TREASURY_KEY_FILE, when set, and the Ergo addresses kept funded from the
 * wallet of ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE (`ergoTreasuryAccounts`), when set.
 */
import type { TransactionSigner } from '@anchorpost/chains';
import { loadConfig } from '@anchorpost/service-kit';
import { sponsorConfigSchema, type SponsorConfig } from '../sponsor-config.ts';
import { readSponsorKeyFile } from '../sponsor-key-file.ts';
import type { TreasuryAccount } from './treasury.ts';
import { ergoTreasuryAccounts, treasuryErgoConfigSchema } from './treasury-ergo-config.ts';

export interface TreasuryKeys {
  readonly treasurySigner?: TransactionSigner;
  readonly ergoTreasuryAccounts: readonly TreasuryAccount[];
}

/** `env`: the settings; a ConfigError names a bad or missing one. */
export function treasuryKeysFromSettings(sponsor: SponsorConfig, env: NodeJS.ProcessEnv): TreasuryKeys {
  const ergo = ergoTreasuryAccounts(loadConfig(treasuryErgoConfigSchema, env));
  return sponsor.treasuryKeyFile === undefined
    ? { ergoTreasuryAccounts: ergo }
    : {
        treasurySigner: readSponsorKeyFile(sponsor.treasuryKeyFile, sponsorConfigSchema.treasuryKeyFile.env),
        ergoTreasuryAccounts: ergo,
      };
}
