// Stand-alone service mains as child processes, for the tests: start one with only the given
// ANCHORPOST_* settings, wait for a log line, stop it; and a relay's tenants and key files.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  serializeTxFile,
  toPublicKeyFile,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { generateRelayKey, newApiKey } from '@anchorpost/relay-core';

const SERVICES = join(import.meta.dirname, '..', '..');
export const TENANT = 'acme';
/** The tenant's API key, imported (hashed) with the tenants file on the relay's first start. */
export const API_KEY = newApiKey().key;

export interface MainProcess {
  readonly child: ChildProcess;
  /** Resolves with the first JSON log line `match` accepts. */
  log(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code once the process ends, and everything it wrote to stderr. */
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

/** Every main still running, for an `after` hook to kill. */
export const running = new Set<ChildProcess>();

/** Runs `services/<service>/src/main.ts [args]` with only the ANCHORPOST_* settings given. */
export function startMain(
  service: string,
  settings: Record<string, string>,
  args: readonly string[] = [],
): MainProcess {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('ANCHORPOST_')),
  );
  const child = spawn(process.execPath, [join(SERVICES, service, 'src', 'main.ts'), ...args], {
    env: { ...env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const part of parts) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(part) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('exit', (code) => {
      running.delete(child);
      resolve({ code, stderr });
    });
  });
  return {
    child,
    exited,
    log(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ match, resolve })),
        exited.then(({ code, stderr: text }) => {
          throw new Error(`${service} exited (${code}) before the awaited log line: ${text}`);
        }),
      ]);
    },
  };
}

export async function stop(main: MainProcess): Promise<number | null> {
  main.child.kill('SIGTERM');
  return (await main.exited).code;
}

/**
 * The relay's tenants file and key file in `dir`, the key's public half in hex (what a batcher is
 * told to trust), and a tx-file the tenant's app may submit.
 */
export async function relayFiles(dir: string): Promise<{
  settings: Record<string, string>;
  relayPublicKey: string;
  txFile: () => Promise<Uint8Array>;
}> {
  const [app, sender]: [PrivateIdentity, PrivateIdentity] = await Promise.all([
    generateIdentity('modern'),
    generateIdentity('modern'),
  ]);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'tenants.json'),
    JSON.stringify({
      tenants: [
        {
          id: TENANT,
          clientKeys: [toPublicKeyFile(app.public)],
          apiKeys: [{ key: API_KEY, scopes: ['submit', 'subscribe'] }],
        },
      ],
    }),
  );
  const relayKey = generateRelayKey();
  await writeFile(join(dir, 'relay-key.pem'), relayKey.pkcs8Pem, { mode: 0o600 });
  const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
  return {
    settings: {
      ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
      ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
    },
    relayPublicKey: Buffer.from(relayKey.publicKeyRaw).toString('hex'),
    async txFile() {
      const { keys } = await createGroup('modern', [sender.public]);
      return serializeTxFile(
        buildTxFile({
          group: keys,
          senders: [sender],
          client: app,
          blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
          message: { data: new TextEncoder().encode('hello from a stand-alone relay') },
        }),
      );
    },
  };
}

export async function submit(http: string, bytes: Uint8Array): Promise<string> {
  const response = await fetch(`${http}/v1/tx-files`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', authorization: `Bearer ${API_KEY}` },
    body: bytes,
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { receipt: { cid: string } }).receipt.cid;
}

export const relayReady = (line: Record<string, unknown>) => line['msg'] === 'relay ready';
