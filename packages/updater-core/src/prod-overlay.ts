/**
 * The release's change to the prod overlay: each image the kustomization's `images:` lists gets
 * the manifest's digest for that repository. Edited as a YAML document, so the file's comments
 * and order survive (`kustomize edit set image` rewrites the file and drops them). An image the
 * overlay pins but the manifest lacks is refused; a manifest image the overlay does not list (one
 * the chart does not deploy yet) is left out and reported, since pinning it would make prod name
 * an image it never runs.
 */
import { parseDocument, isMap, isSeq } from 'yaml';
import { UpdaterError } from './updater-error.ts';

/** A repository and the digest it is pinned to. */
export interface ImagePin {
  readonly name: string;
  readonly digest: string;
}

export interface OverlayChange {
  readonly text: string;
  /** What the overlay pins after the change, in its order. */
  readonly pinned: readonly ImagePin[];
  /** Manifest images the overlay does not list. */
  readonly unlisted: readonly string[];
}

export function pinReleaseImages(kustomization: string, images: readonly ImagePin[]): OverlayChange {
  const doc = parseDocument(kustomization);
  if (doc.errors.length > 0)
    throw new UpdaterError('BAD_OVERLAY', `the overlay is not YAML: ${doc.errors[0]!.message}`);
  const list = doc.get('images');
  if (!isSeq(list)) throw new UpdaterError('BAD_OVERLAY', 'the overlay has no `images:` list');
  const byName = new Map(images.map((image) => [image.name, image.digest]));
  const pinned: ImagePin[] = [];
  for (const item of list.items) {
    if (!isMap(item)) throw new UpdaterError('BAD_OVERLAY', 'an `images:` entry is not a mapping');
    const name = item.get('name');
    if (typeof name !== 'string') throw new UpdaterError('BAD_OVERLAY', 'an `images:` entry has no name');
    const digest = byName.get(name);
    if (digest === undefined) {
      throw new UpdaterError(
        'OVERLAY_IMAGE_NOT_IN_MANIFEST',
        `the prod overlay pins ${name}, the manifest has no digest for it`,
      );
    }
    item.set('digest', digest);
    item.delete('newTag');
    pinned.push({ name, digest });
  }
  const listed = new Set(pinned.map((pin) => pin.name));
  return {
    text: doc.toString(),
    pinned,
    unlisted: images.map((image) => image.name).filter((name) => !listed.has(name)),
  };
}

/** The images a kustomization pins, as `name@digest`. */
export function overlayPins(kustomization: string): readonly string[] {
  const doc = parseDocument(kustomization);
  const list = doc.get('images');
  if (!isSeq(list)) return [];
  return list.items.flatMap((item) => {
    if (!isMap(item)) return [];
    const name = item.get('name');
    const digest = item.get('digest');
    return typeof name === 'string' && typeof digest === 'string' ? [`${name}@${digest}`] : [];
  });
}
