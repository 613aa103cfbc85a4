// The stand-alone relay (src/main.ts) as a child process of a test, so that what is measured of it
// (its resident memory, from /proc) is the relay's alone, and so that two relays share nothing but
// what they share in production (the database); a tenant with an API key, and big tx-files of one
// state chain for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGroup, generateIdentity, parseTxFile, toPublicKeyFile } from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { StateChains } from '@anchorpost/protocol/testing';
import { generateRelayKey, newApiKey } from '@anchorpost/relay-core';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
/** How long a relay may take to start on a loaded machine before it is killed and the test fails. */
const READY_TIMEOUT_MS = 120_000;

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly http: string;
  readonly grpc: string;
  /** The admin API's URL, or `off` without ANCHORPOST_RELAY_ADMIN_KEY_FILE. */
  readonly admin: string;
  readonly apiKey: string;
  /** Log lines (JSON) whose `msg` is `msg`, so far. */
  count(msg: string): number;
  stop(): Promise<void>;
}

/**
 * Starts the relay with `settings` (ANCHORPOST_*, nothing inherited) and waits until it is ready;
 * its tenant may subscribe to `recipients` before sending to them.
 */
export async function startRelayProcess(
  dir: string,
  app: PrivateIdentity,
  settings: Record<string, string>,
  recipients: string[] = [],
): Promise<RelayProcess> {
  await mkdir(dir, { recursive: true });
  const apiKey = newApiKey().key;
  await writeFile(
    join(dir, 'tenants.json'),
    JSON.stringify({
      tenants: [
        {
          id: 'acme',
          clientKeys: [toPublicKeyFile(app.public)],
          apiKeys: [{ key: apiKey, scopes: ['submit', 'subscribe'] }],
          recipients,
        },
      ],
    }),
  );
  await writeFile(join(dir, 'relay-key.pem'), generateRelayKey().pkcs8Pem, { mode: 0o600 });
  const relay = await spawnRelay({
    ANCHORPOST_DATA_DIR: join(dir, 'data'),
    ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
    ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
    ...settings,
  });
  return { ...relay, apiKey };
}

/** The relay's main as a child process, on `settings` (ANCHORPOST_*, nothing inherited); ready when it resolves. */
export async function spawnRelay(settings: Record<string, string>): Promise<Omit<RelayProcess, 'apiKey'>> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('ANCHORPOST_')),
  );
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...env,
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
      ANCHORPOST_RELAY_ADMIN_PORT: '0',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages = new Map<string, number>();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const text of lines) {
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        const msg = String(line['msg']);
        messages.set(msg, (messages.get(msg) ?? 0) + 1);
        if (msg === 'relay ready') resolve(line);
      }
    });
    child.once('exit', (code) => {
      reject(new Error(`the relay exited (${code}) before it was ready: ${stderr}`));
    });
  });
  // It logs `relay ready` at info: under a higher log level, or a start that hangs, the test fails
  // after the timeout instead of waiting for ever.
  const late = setTimeout(() => {
    child.kill('SIGKILL');
  }, READY_TIMEOUT_MS);
  const line = await ready.finally(() => {
    clearTimeout(late);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
  return {
    child,
    http: String(line['http']),
    grpc: String(line['grpc']),
    admin: String(line['admin']),
    count: (msg) => messages.get(msg) ?? 0,
    async stop() {
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(late);
    },
  };
}

/** Resident memory of a process now and at its peak since the last `resetPeak` (Linux, bytes). */
export async function residentMemory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/**
 * The RSS of a process left idle for `ms`: the lowest of samples taken every 250 ms (the peak from
 * the last), so buffers a collection frees in that time count as freed, not as held.
 */
export async function settledResidentMemory(pid: number, ms = 5_000): Promise<{ rss: number; peak: number }> {
  let lowest = await residentMemory(pid);
  let last = lowest;
  for (let waited = 0; waited < ms; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await residentMemory(pid);
    if (last.rss < lowest.rss) lowest = last;
  }
  return { rss: lowest.rss, peak: last.peak };
}

/** Starts the peak (VmHWM) over at the current RSS (`clear_refs` 5, Linux ≥ 4.0). */
export async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/** Tx-files of one group and client, each of about `bytes` (under the relay's 1 MiB limit). */
export class BigTxFiles {
  readonly app: PrivateIdentity;
  readonly #sender: PrivateIdentity;
  readonly #group: GroupKeys;
  readonly #chains = new StateChains();
  readonly #dataBytes: number;

  private constructor(app: PrivateIdentity, sender: PrivateIdentity, group: GroupKeys, dataBytes: number) {
    this.app = app;
    this.#sender = sender;
    this.#group = group;
    this.#dataBytes = dataBytes;
  }

  static async create(dataBytes: number): Promise<BigTxFiles> {
    const [app, sender] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
    const { keys } = await createGroup('modern', [sender.public]);
    return new BigTxFiles(app, sender, keys, dataBytes);
  }

  /** The group's recipient hash, from a file built outside the chain (so no position is used). */
  recipientHash(): string {
    return parseTxFile(this.#build(new StateChains(), 0)).recipient.sha512hash;
  }

  next(index: number): Uint8Array {
    return this.#build(this.#chains, index);
  }

  #build(chains: StateChains, index: number): Uint8Array {
    const data = new Uint8Array(this.#dataBytes).fill(index % 251);
    return chains.buildBytes({
      group: this.#group,
      senders: [this.#sender],
      client: this.app,
      blockchain: {
        lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
        trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
      },
      message: { data },
    });
  }
}
