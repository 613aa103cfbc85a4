// One Anchorpost service in its own process, as an operator runs it: `node services/<name>/dist/
// main.js`, configured by its environment alone, ready when its /readyz answers 200. It keeps its
// ports across restarts, so the other services and the clients find it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from '../platform-process.ts';

export type ServiceName = 'relay' | 'batcher' | 'anchorer' | 'parser' | 'proof-api';

export interface ServiceProcessOptions {
  /** Instance name, in logs and reports (`relay-a`, `batcher`, …). */
  readonly name: string;
  readonly service: ServiceName;
  readonly env: NodeJS.ProcessEnv;
  /** The HTTP base URL whose /readyz tells when it serves. */
  readonly url: string;
  /** stdout and stderr of every start are appended here. */
  readonly logPath: string;
  readonly readyTimeoutMs?: number;
}

export class ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly #options: ServiceProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<unknown> = Promise.resolve();
  #log: WriteStream | undefined;

  constructor(options: ServiceProcessOptions) {
    this.#options = options;
    this.name = options.name;
    this.url = options.url;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts it and waits until /readyz answers 200. */
  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const main = join(REPO, 'services', this.#options.service, 'dist', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: this.#options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#log ??= createWriteStream(this.#options.logPath, { flags: 'a' });
    child.stdout.pipe(this.#log, { end: false });
    child.stderr.pipe(this.#log, { end: false });
    this.#child = child;
    const exited = once(child, 'exit');
    this.#exited = exited;
    const state = { exited: false };
    void exited.then(() => {
      state.exited = true;
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + (this.#options.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (state.exited) {
        throw new Error(
          `${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${this.#options.logPath}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
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

  /** SIGKILL: no clean-up at all. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, and wait; the exit code (SIGKILL after 60 s, reported as an error). */
  async stop(): Promise<number | null> {
    const child = this.#child;
    if (child === undefined) return null;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await this.#exited;
    clearTimeout(timer);
    if (child.signalCode === 'SIGKILL') throw new Error(`${this.name} did not stop within 60 s of SIGTERM`);
    return child.exitCode;
  }

  /** Ends the log once the process is gone for good. */
  async close(): Promise<void> {
    if (this.#child !== undefined) await this.stop().catch(() => this.kill());
    this.#log?.end();
    this.#log = undefined;
  }
}
