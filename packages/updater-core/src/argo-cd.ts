/**
 * The port to Argo CD, as the updater follows a release: an Application's sync status, the
 * revision it is synced to, its health, and the images it runs (`status.summary.images`).
 * `ArgoCdHttpApi` reads them from Argo CD's REST API (`GET /api/v1/applications/{name}`, asking
 * for a refresh so a new commit is seen without waiting for the poll), with a project-role token
 * that may `get` and `sync` the Application and nothing else.
 */
import { UpdaterError } from './updater-error.ts';

export interface ApplicationStatus {
  /** `Synced`, `OutOfSync`, `Unknown`. */
  readonly sync: string;
  /** The commit the Application is synced to, if any. */
  readonly revision: string | undefined;
  /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  readonly health: string;
  /** Image references of the running workloads. */
  readonly images: readonly string[];
}

export interface ArgoCdApi {
  application(name: string): Promise<ApplicationStatus>;
}

export interface ArgoCdHttpApiOptions {
  /** e.g. `https://argocd.example.org`. */
  readonly baseUrl: string;
  /** A project-role JWT (`argocd proj role create-token anchorpost updater`). */
  readonly token: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export class ArgoCdHttpApi implements ArgoCdApi {
  readonly #o: ArgoCdHttpApiOptions;

  constructor(options: ArgoCdHttpApiOptions) {
    this.#o = options;
  }

  async application(name: string): Promise<ApplicationStatus> {
    const url = new URL(`/api/v1/applications/${encodeURIComponent(name)}`, this.#o.baseUrl);
    url.searchParams.set('refresh', 'normal');
    let response: Response;
    try {
      response = await (this.#o.fetch ?? fetch)(url, {
        headers: { authorization: `Bearer ${this.#o.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new UpdaterError('UNAVAILABLE', `Argo CD did not answer: ${String(error)}`, { cause: error });
    }
    if (!response.ok) {
      throw new UpdaterError(
        'UNAVAILABLE',
        `Argo CD answered ${response.status} for the Application ${name}`,
      );
    }
    return applicationStatus(await response.json().catch(() => undefined));
  }
}

/** The fields the updater reads from an Argo CD Application object. */
export function applicationStatus(body: unknown): ApplicationStatus {
  const found: unknown = (body as { status?: unknown } | undefined)?.status;
  if (typeof found !== 'object' || found === null) {
    throw new UpdaterError('BAD_ARGO_CD_RESPONSE', 'the answer has no Application status');
  }
  const status = found as Record<string, unknown>;
  const sync = status['sync'] as { status?: unknown; revision?: unknown } | undefined;
  const health = status['health'] as { status?: unknown } | undefined;
  const images = (status['summary'] as { images?: unknown } | undefined)?.images;
  return {
    sync: typeof sync?.status === 'string' ? sync.status : 'Unknown',
    revision: typeof sync?.revision === 'string' ? sync.revision : undefined,
    health: typeof health?.status === 'string' ? health.status : 'Unknown',
    images: Array.isArray(images) ? images.filter((i): i is string => typeof i === 'string') : [],
  };
}
