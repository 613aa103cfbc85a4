/**
 * The deploy log's way to the relay, from the settings: the updater's identity and the deploy
 * log's group from their files, the tenant's API key, and the Ergo node the files' blocks come
 * from. None set: the deploy log stays in the database only. A relay without the rest is refused at
 * start (BAD_CONFIG naming the missing variable), as is a file that cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@anchorpost/config';
import { openGroup, parsePrivateKeyFile } from '@anchorpost/protocol';
import { ErgoNodeBlockView } from '@anchorpost/relay-core';
import type { ErgoBlockView } from '@anchorpost/relay-core';
import type { DeployLogWriter, TxFileSubmitter } from '@anchorpost/updater-core';
import { ergoBlockRefs } from './ergo-block-refs.ts';
import { RelayTxFileSubmitter } from './relay-tx-file-submitter.ts';
import type { UpdaterConfig } from './updater-config.ts';

export interface DeployLogRelay {
  readonly writer: DeployLogWriter;
  readonly relay: TxFileSubmitter;
}

const NEEDED = [
  ['relayApiKeyFile', 'ANCHORPOST_UPDATER_RELAY_API_KEY_FILE'],
  ['identityFile', 'ANCHORPOST_UPDATER_IDENTITY_FILE'],
  ['deployLogGroupFile', 'ANCHORPOST_UPDATER_DEPLOY_LOG_GROUP_FILE'],
  ['ergoNodeUrl', 'ANCHORPOST_UPDATER_ERGO_NODE_URL'],
] as const;

async function read(path: string, key: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(key, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function json(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(key, 'is not JSON', { cause });
  }
}

/** `blocks`: another view of the Ergo chain than the configured node's (tests). */
export async function deployLogRelay(
  config: UpdaterConfig,
  blocks?: ErgoBlockView,
): Promise<DeployLogRelay | undefined> {
  if (config.relayUrl === '') return undefined;
  for (const [field, key] of NEEDED) {
    if (config[field] === '' && !(field === 'ergoNodeUrl' && blocks !== undefined)) {
      throw new ConfigError(key, 'is required when ANCHORPOST_UPDATER_RELAY_URL is set');
    }
  }
  const client = parsePrivateKeyFile(
    json(await read(config.identityFile, NEEDED[1][1]), NEEDED[1][1]),
    NEEDED[1][1],
  );
  const group = openGroup(json(await read(config.deployLogGroupFile, NEEDED[2][1]), NEEDED[2][1]), client);
  const apiKey = (await read(config.relayApiKeyFile, NEEDED[0][1])).trim();
  return {
    writer: {
      group,
      client,
      blockchain: ergoBlockRefs(blocks ?? new ErgoNodeBlockView({ url: config.ergoNodeUrl })),
    },
    relay: new RelayTxFileSubmitter({ url: config.relayUrl, apiKey }),
  };
}
