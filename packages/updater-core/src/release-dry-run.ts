/**
 * The dry run of a release: the prod overlay of a checkout, with the release's digests pinned,
 * rendered and validated the way CI and Argo CD see it. The port lets a cluster without the tools
 * substitute another renderer; `KustomizeDryRun` is `kustomize build --enable-helm` piped through
 * `kubeconform -strict`, and then a check that the render pins exactly the release's digests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './command.ts';
import type { CommandRunner } from './command.ts';
import { pinReleaseImages } from './prod-overlay.ts';
import type { ImagePin, OverlayChange } from './prod-overlay.ts';
import { UpdaterError } from './updater-error.ts';

export interface DryRunResult extends Omit<OverlayChange, 'text'> {
  /** Milliseconds the render and validation took. */
  readonly elapsedMs: number;
}

export interface ReleaseDryRun {
  /** Pins `images` in the checkout's prod overlay and renders it; DRY_RUN_FAILED or RENDERED_DIGEST_MISMATCH. */
  check(checkoutDir: string, images: readonly ImagePin[]): Promise<DryRunResult>;
}

export interface KustomizeDryRunOptions {
  /** Default `k8s/overlays/prod`. */
  readonly overlay?: string;
  readonly kustomize: string;
  /** Passed to kustomize as `--helm-command` (kustomize renders the chart with it). */
  readonly helm: string;
  readonly kubeconform: string;
  /** kubeconform `-schema-location` values (the Kubernetes and CRD schemas CI uses). */
  readonly schemaLocations: readonly string[];
  /** Default 1.34.0, as the overlays' `kubeVersion`. */
  readonly kubernetesVersion?: string;
  readonly run?: CommandRunner;
}

export class KustomizeDryRun implements ReleaseDryRun {
  readonly #o: KustomizeDryRunOptions;
  readonly #run: CommandRunner;

  constructor(options: KustomizeDryRunOptions) {
    this.#o = options;
    this.#run = options.run ?? runCommand;
  }

  async check(checkoutDir: string, images: readonly ImagePin[]): Promise<DryRunResult> {
    const started = performance.now();
    const overlay = join(checkoutDir, this.#o.overlay ?? 'k8s/overlays/prod');
    const file = join(overlay, 'kustomization.yaml');
    const change = pinReleaseImages(await readFile(file, 'utf8'), images);
    await writeFile(file, change.text);
    const build = await this.#run(this.#o.kustomize, [
      'build',
      '--enable-helm',
      '--helm-command',
      this.#o.helm,
      overlay,
    ]);
    if (build.code !== 0) throw new UpdaterError('DRY_RUN_FAILED', `kustomize build: ${tail(build.stderr)}`);
    const validate = await this.#run(
      this.#o.kubeconform,
      [
        '-strict',
        '-summary',
        '-kubernetes-version',
        this.#o.kubernetesVersion ?? '1.34.0',
        ...this.#o.schemaLocations.flatMap((location) => ['-schema-location', location]),
      ],
      { input: build.stdout },
    );
    if (validate.code !== 0) {
      throw new UpdaterError(
        'DRY_RUN_FAILED',
        `kubeconform -strict: ${tail(validate.stdout + validate.stderr)}`,
      );
    }
    const rendered = [...new Set(renderedImages(build.stdout))].sort();
    const expected = change.pinned.map((pin) => `${pin.name}@${pin.digest}`).sort();
    if (rendered.join() !== expected.join()) {
      throw new UpdaterError(
        'RENDERED_DIGEST_MISMATCH',
        `the render runs ${rendered.join(', ')}; the release pins ${expected.join(', ')}`,
      );
    }
    return {
      pinned: change.pinned,
      unlisted: change.unlisted,
      elapsedMs: Math.round(performance.now() - started),
    };
  }
}

/** Every `image:` value of rendered manifests. */
export function renderedImages(manifests: string): string[] {
  return [...manifests.matchAll(/^\s*(?:-\s+)?image:\s*["']?([^\s"']+)["']?\s*$/gm)].map((m) => m[1]!);
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}
