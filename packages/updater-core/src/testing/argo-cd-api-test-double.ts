/**
 * A test double of Argo CD's Application API (`GET /api/v1/applications/{name}`), over HTTP, for
 * one Application following a branch of a Git repository on disk: on each request it looks at the
 * branch's tip; a new revision is OutOfSync/Progressing for `pollsToSync` requests, then Synced and
 * Healthy, running the images the overlay pins at that revision (or the images a test forces, to
 * play a cluster running something else). It checks the bearer token as Argo CD does.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCommand } from '../command.ts';
import { overlayPins } from '../prod-overlay.ts';

export interface ArgoCdApiTestDoubleOptions {
  readonly application: string;
  /** The Git repository (a bare one is fine) and branch the Application follows. */
  readonly repository: string;
  readonly branch: string;
  readonly overlay?: string;
  readonly token: string;
  /** Requests a new revision stays OutOfSync before it is Synced and Healthy. Default 2. */
  readonly pollsToSync?: number;
}

export class ArgoCdApiTestDouble {
  readonly #o: ArgoCdApiTestDoubleOptions;
  readonly #server: Server;
  #revision: string | undefined;
  #images: readonly string[] = [];
  #pollsLeft = 0;
  #forcedImages: readonly string[] | undefined;
  /** Requests answered, for tests that count polls. */
  requests = 0;

  private constructor(options: ArgoCdApiTestDoubleOptions) {
    this.#o = options;
    this.#server = createServer((request, response) => {
      void this.#answer(request.url ?? '', request.headers.authorization).then(
        ({ status, body }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: String(error) }));
        },
      );
    });
  }

  static async start(options: ArgoCdApiTestDoubleOptions): Promise<ArgoCdApiTestDouble> {
    const double = new ArgoCdApiTestDouble(options);
    await new Promise<void>((resolve) => double.#server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** From now on, the Application reports these images running (a cluster that drifted). */
  forceRunningImages(images: readonly string[]): void {
    this.#forcedImages = images;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  async #answer(url: string, authorization: string | undefined): Promise<{ status: number; body: unknown }> {
    this.requests += 1;
    if (authorization !== `Bearer ${this.#o.token}`)
      return { status: 401, body: { error: 'invalid session' } };
    const path = new URL(url, 'http://argocd').pathname;
    if (path !== `/api/v1/applications/${this.#o.application}`) {
      return { status: 404, body: { error: `application ${path} not found` } };
    }
    await this.#refresh();
    const synced = this.#revision !== undefined && this.#pollsLeft === 0;
    if (!synced) this.#pollsLeft = Math.max(0, this.#pollsLeft - 1);
    return {
      status: 200,
      body: {
        metadata: { name: this.#o.application },
        status: {
          sync: { status: synced ? 'Synced' : 'OutOfSync', ...(synced ? { revision: this.#revision } : {}) },
          health: { status: synced ? 'Healthy' : 'Progressing' },
          summary: { images: synced ? (this.#forcedImages ?? this.#images) : [] },
        },
      },
    };
  }

  async #refresh(): Promise<void> {
    const git = (args: string[]) => runCommand('git', ['-C', this.#o.repository, ...args]);
    const tip = await git(['rev-parse', `refs/heads/${this.#o.branch}`]);
    if (tip.code !== 0) return;
    const revision = tip.stdout.trim();
    if (revision === this.#revision) return;
    const overlay = this.#o.overlay ?? 'k8s/overlays/prod';
    const file = await git(['show', `${revision}:${overlay}/kustomization.yaml`]);
    this.#revision = revision;
    this.#images = file.code === 0 ? overlayPins(file.stdout) : [];
    this.#pollsLeft = this.#o.pollsToSync ?? 2;
  }
}
