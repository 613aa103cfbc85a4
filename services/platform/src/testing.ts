/**
 * @anchorpost/platform/testing — the whole platform in this process (embedded: PGlite, file-log
 * bus, Helia, anvil at a block a second, every port the OS's pick, short intervals), with one
 * tenant (`app`) whose client keys are the given identities' and whose API key may submit and
 * subscribe: what the SDK's application-side tests and the CLI's end-to-end tests run against.
 * `env` adds settings (the sponsor, its policy file).
 */
import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type Platform } from './platform.ts';
import { toPublicKeyFile, type PrivateIdentity } from '@anchorpost/protocol';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';

export interface PlatformStage {
  readonly platform: Platform;
  readonly relay: string;
  /** `host:port` of the relay's gRPC listener. */
  readonly grpc: string;
  readonly api: string;
  readonly apiKey: string;
  /** The relay's receipt key, public half, as SPKI PEM. */
  readonly relayPublicKey: string;
  readonly work: string;
  close(): Promise<void>;
}

export async function startPlatformStage(
  clients: readonly PrivateIdentity[],
  env: NodeJS.ProcessEnv = {},
): Promise<PlatformStage> {
  process.env.ANCHORPOST_LOG_LEVEL ??= 'warn';
  const work = await mkdtemp(join(tmpdir(), 'anchorpost-sdk-'));
  const apiKey = newApiKey().key;
  await writeFile(
    join(work, 'tenants.json'),
    JSON.stringify({
      tenants: [
        {
          id: 'app',
          clientKeys: clients.map((client) => toPublicKeyFile(client.public)),
          apiKeys: [{ key: apiKey, scopes: ['submit', 'subscribe'] }],
        },
      ],
    }),
  );
  const platform = await startPlatform({
    logger: createLogger('platform', { destination: { write: () => undefined } }),
    env: {
      ...process.env,
      ANCHORPOST_DATA_DIR: join(work, 'data'),
      ANCHORPOST_RELAY_TENANTS_FILE: join(work, 'tenants.json'),
      ANCHORPOST_ANVIL_PORT: '0',
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_ADMIN_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
      ANCHORPOST_BATCHER_PORT: '0',
      ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
      ANCHORPOST_ANCHORER_PORT: '0',
      ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
      ANCHORPOST_PARSER_PORT: '0',
      ANCHORPOST_PARSER_MANAGEMENT_PORT: '0',
      ANCHORPOST_PROOF_API_PORT: '0',
      ANCHORPOST_PROOF_API_MANAGEMENT_PORT: '0',
      ANCHORPOST_BATCH_INTERVAL: '1s',
      ANCHORPOST_EVM_CONFIRMATIONS: '1',
      ANCHORPOST_ANCHORER_TICK_INTERVAL: '300ms',
      ANCHORPOST_PARSER_TRUSTED_DEPTH: '1',
      ANCHORPOST_PARSER_POLL_INTERVAL: '300ms',
      ANCHORPOST_SPONSOR_HTTP_PORT: '0',
      ANCHORPOST_SPONSOR_GRPC_PORT: '0',
      ANCHORPOST_SPONSOR_MANAGEMENT_PORT: '0',
      ...env,
    },
  });
  const relayPublicKey = createPublicKey(await readFile(platform.dirs.relayKey, 'utf8'))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return {
    platform,
    relay: platform.endpoints['relay.http']!,
    grpc: platform.endpoints['relay.grpc']!.replace(/^[a-z]+:\/\//, ''),
    api: platform.endpoints['proof-api.http']!,
    apiKey,
    relayPublicKey,
    work,
    async close() {
      await platform.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** The chain's head block. */
export async function chainHead(rpcUrl: string): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

/** `probe` every 300 ms until it holds, for at most `timeoutMs`. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
