/**
 * The deploy log's way to the relay, from the settings (`outboxRelay` of @anchorpost/relay-core):
 * the updater's identity and the deploy log's group from their files, the tenant's API key, and
 * the Ergo node the files' blocks come from. None set: the deploy log stays in the database only.
 * A relay without the rest is refused at start (BAD_CONFIG naming the missing variable), as is a
 * file that cannot be read.
 */
import { outboxRelay } from '@anchorpost/relay-core';
import type { ErgoBlockView } from '@anchorpost/relay-core';
import type { DeployLogWriter, TxFileSubmitter } from '@anchorpost/updater-core';
import type { UpdaterConfig } from './updater-config.ts';

export interface DeployLogRelay {
  readonly writer: DeployLogWriter;
  readonly relay: TxFileSubmitter;
}

/** `blocks`: another view of the Ergo chain than the configured node's (tests). */
export async function deployLogRelay(
  config: UpdaterConfig,
  blocks?: ErgoBlockView,
): Promise<DeployLogRelay | undefined> {
  const outbox = await outboxRelay(
    {
      relayUrl: { value: config.relayUrl, env: 'ANCHORPOST_UPDATER_RELAY_URL' },
      apiKeyFile: { value: config.relayApiKeyFile, env: 'ANCHORPOST_UPDATER_RELAY_API_KEY_FILE' },
      identityFile: { value: config.identityFile, env: 'ANCHORPOST_UPDATER_IDENTITY_FILE' },
      groupFile: { value: config.deployLogGroupFile, env: 'ANCHORPOST_UPDATER_DEPLOY_LOG_GROUP_FILE' },
      ergoNodeUrl: { value: config.ergoNodeUrl, env: 'ANCHORPOST_UPDATER_ERGO_NODE_URL' },
    },
    blocks,
  );
  return outbox === undefined ? undefined : { writer: outbox.author, relay: outbox.relay };
}
