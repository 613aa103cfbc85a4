// One Anchorpost service in its own process, as an operator runs it: `node services/<name>/dist/
// main.js`, or its image as the chart runs it (container.ts), configured by its environment alone,
// ready when its /readyz answers 200. It keeps its ports across restarts, so the other services and
// the clients find it again.
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from '../platform-process.ts';
import { containerRun, killContainer, stopContainer } from './container.ts';

export type ServiceName = 'relay' | 'batcher' | 'anchorer' | 'parser' | 'proof-api';
/**
 * The cluster's services, the sponsor, which runs beside it (sponsor-instance.ts), and the
 * updater, which the images test runs alone (updater-image.ts).
 */
export type RunnableService = ServiceName | 'sponsor' | 'updater';

export interface ServiceProcessOptions {
  /** Instance name, in logs and reports (`relay-a`, `batcher`, …). */
  readonly name: string;
  readonly service: RunnableService;
  readonly env: NodeJS.ProcessEnv;
  /** The HTTP base URL whose /readyz tells when it serves. */
  readonly url: string;
  /** Its management listener's base URL, when known: its detailed /readyz is then the one asked. */
  readonly managementUrl?: string;
  /** stdout and stderr of every start are appended here. */
  readonly logPath: string;
  readonly readyTimeoutMs?: number;
  /** Run from this image instead (`docker run`, as the chart runs it), reading these folders. */
  readonly image?: { readonly name: string; readonly readOnlyMounts: readonly string[] };
}

export class ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly managementUrl: string | undefined;
  readonly #options: ServiceProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<unknown> = Promise.resolve();
  #log: WriteStream | undefined;
  #stopping = false;
  /** Exits nobody asked for (no stop or kill): what a supervisor would have had to restart. */
  readonly crashes: string[] = [];

  constructor(options: ServiceProcessOptions) {
    this.#options = options;
    this.name = options.name;
    this.url = options.url;
    this.managementUrl = options.managementUrl;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The container's name, when run from an image. */
  get containerName(): string | undefined {
    return this.#options.image === undefined ? undefined : this.#containerName();
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts it and waits until /readyz answers 200. */
  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const child = this.#spawn();
    this.#log ??= createWriteStream(this.#options.logPath, { flags: 'a' });
    child.stdout.pipe(this.#log, { end: false });
    child.stderr.pipe(this.#log, { end: false });
    this.#child = child;
    const exited = once(child, 'exit');
    this.#exited = exited;
    const state = { exited: false };
    this.#stopping = false;
    void exited.then(() => {
      state.exited = true;
      if (this.#child === child) this.#child = undefined;
      if (!this.#stopping) {
        this.crashes.push(
          `${this.name} exited (${child.exitCode ?? child.signalCode}) at ${new Date().toISOString()}; see ${this.#options.logPath}`,
        );
      }
    });
    const deadline = Date.now() + (this.#options.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (state.exited) {
        // Its last lines say why: the folder holding the log is gone once the suite cleans up.
        await sleep(200); // what it wrote last reaches the log file
        throw new Error(
          `${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${this.#options.logPath}; its last lines:\n${await logTail(this.#options.logPath)}`,
        );
      }
      try {
        const readyz = `${this.#options.managementUrl ?? this.url}/readyz`;
        const response = await fetch(readyz, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.name} was not ready in time; see ${this.#options.logPath}`);
      }
      await sleep(200);
    }
  }

  #spawn(): ChildProcessByStdio<null, Readable, Readable> {
    const { image, service, env } = this.#options;
    if (image === undefined) {
      const main = join(REPO, 'services', service, 'dist', 'main.js');
      return spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    const command = containerRun({
      name: this.#containerName(),
      image: image.name,
      service,
      env,
      readOnlyMounts: image.readOnlyMounts,
    });
    return spawn('docker', command.args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** One name per instance and test process: a restart reuses it once the old one is gone (--rm). */
  #containerName(): string {
    return `anchorpost-e2e-${this.name}-${process.pid}`;
  }

  /** Sends the signal to the service itself: to the container, not its `docker run` client. */
  async #signal(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (this.#options.image === undefined) child.kill(signal);
    else if (signal === 'SIGKILL') await killContainer(this.#containerName());
    else await stopContainer(this.#containerName());
  }

  /** SIGKILL: no clean-up at all. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#stopping = true;
    await this.#signal(child, 'SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, and wait; the exit code (SIGKILL after 60 s, reported as an error). */
  async stop(): Promise<number | null> {
    const child = this.#child;
    if (child === undefined) return null;
    this.#stopping = true;
    await this.#signal(child, 'SIGTERM');
    const state = { killed: false };
    const timer = setTimeout(() => {
      state.killed = true;
      void this.#signal(child, 'SIGKILL');
    }, 60_000);
    await this.#exited;
    clearTimeout(timer);
    if (state.killed) throw new Error(`${this.name} did not stop within 60 s of SIGTERM`);
    return child.exitCode;
  }

  /** Ends the log once the process is gone for good. */
  async close(): Promise<void> {
    if (this.#child !== undefined) await this.stop().catch(() => this.kill());
    this.#log?.end();
    this.#log = undefined;
  }
}

/** The last lines of a log file (at most `maxBytes` of it), or why it could not be read. */
export async function logTail(path: string, lines = 30, maxBytes = 8_192): Promise<string> {
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const length = Math.min(size, maxBytes);
      const { buffer } = await file.read(Buffer.alloc(length), 0, length, size - length);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      await file.close();
    }
  } catch (error) {
    return `(log unreadable: ${(error as Error).message})`;
  }
}
