/**
 * An outbox's way to the relay, from a service's settings: the client identity and the group
 * from their files, the tenant's API key from its file, and the Ergo node the files' blocks come
 * from. No relay URL: the records stay in the database only. A relay without the rest is refused
 * at start (BAD_CONFIG naming the missing variable), as is a file that cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@anchorpost/config';
import { openGroup, parsePrivateKeyFile } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import type { ErgoBlockView } from '../ergo-block-view.ts';
import { ErgoNodeBlockView } from '../ergo-node-block-view.ts';
import { ergoBlockRefs } from './ergo-block-refs.ts';
import { RelayTxFileSubmitter } from './relay-tx-file-submitter.ts';
import type { TxFileAuthor, TxFileSubmitter } from './tx-file-outbox.ts';

export interface OutboxRelay {
  /** With the whole group (its private key too): the files can be opened again (reconciliation). */
  readonly author: TxFileAuthor & { readonly group: GroupKeys };
  readonly relay: TxFileSubmitter;
}

/** One setting: its value and the variable it comes from (named in errors). */
interface Setting {
  readonly value: string;
  readonly env: string;
}

export interface OutboxRelaySettings {
  readonly relayUrl: Setting;
  readonly apiKeyFile: Setting;
  readonly identityFile: Setting;
  readonly groupFile: Setting;
  readonly ergoNodeUrl: Setting;
}

async function read({ value, env }: Setting): Promise<string> {
  try {
    return await readFile(value, 'utf8');
  } catch (cause) {
    throw new ConfigError(env, `cannot read ${value}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

async function json(setting: Setting): Promise<unknown> {
  const text = await read(setting);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(setting.env, 'is not JSON', { cause });
  }
}

/** `blocks`: another view of the Ergo chain than the configured node's (tests). */
export async function outboxRelay(
  settings: OutboxRelaySettings,
  blocks?: ErgoBlockView,
): Promise<OutboxRelay | undefined> {
  const { relayUrl, apiKeyFile, identityFile, groupFile, ergoNodeUrl } = settings;
  if (relayUrl.value === '') return undefined;
  for (const setting of [apiKeyFile, identityFile, groupFile, ergoNodeUrl]) {
    if (setting.value === '' && !(setting === ergoNodeUrl && blocks !== undefined)) {
      throw new ConfigError(setting.env, `is required when ${relayUrl.env} is set`);
    }
  }
  const client = parsePrivateKeyFile(await json(identityFile), identityFile.env);
  const group = openGroup(await json(groupFile), client);
  const apiKey = (await read(apiKeyFile)).trim();
  return {
    author: {
      group,
      client,
      blockchain: ergoBlockRefs(blocks ?? new ErgoNodeBlockView({ url: ergoNodeUrl.value })),
    },
    relay: new RelayTxFileSubmitter({ url: relayUrl.value, apiKey }),
  };
}
