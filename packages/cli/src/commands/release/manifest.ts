/**
 * `anchorpost release manifest`: builds the release manifest from the build's facts, signs each
 * image's provenance with the builder's key, writes the manifest's canonical bytes and prints the
 * two addresses a proposal names. The CID is the one `ipfs add --cid-version=1 --raw-leaves`
 * gives the same file, so the file can be put on IPFS by any node.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildReleaseManifest, RELEASE_SERVICES } from '@anchorpost/release';
import type { ReleaseService } from '@anchorpost/release';
import { CliError, UsageError } from '../../failure.ts';
import { writeBytes } from '../../files.ts';
import { parseCommand } from '../../options.ts';
import { asCliFailure } from './release-failure.ts';

export const RELEASE_MANIFEST_USAGE =
  'anchorpost release manifest --version N [--rollback] --repository URL --commit SHA [--chart-name NAME] --chart-version V ' +
  `--image SERVICE=NAME@sha256:HEX (each of ${RELEASE_SERVICES.join(', ')}) --builder-id URI --signing-key PEM --out FILE`;

const IMAGE_RE = /^([a-z-]+)=([^@=\s]+)@(sha256:[0-9a-f]{64})$/;

function images(specs: readonly string[]): Record<ReleaseService, { name: string; digest: string }> {
  const result: Partial<Record<ReleaseService, { name: string; digest: string }>> = {};
  for (const spec of specs) {
    const match = IMAGE_RE.exec(spec);
    if (match === null) throw new UsageError(`--image ${spec}: expected SERVICE=NAME@sha256:HEX`);
    const service = match[1] as ReleaseService;
    if (!RELEASE_SERVICES.includes(service))
      throw new UsageError(`--image ${spec}: ${service} is not a release service`);
    if (service in result) throw new UsageError(`--image ${service} given twice`);
    result[service] = { name: match[2]!, digest: match[3]! };
  }
  const missing = RELEASE_SERVICES.filter((s) => !(s in result));
  if (missing.length > 0) throw new UsageError(`--image missing for ${missing.join(', ')}`);
  return result as Record<ReleaseService, { name: string; digest: string }>;
}

async function signingKey(path: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== undefined) throw error;
    // Never echo the file: it is a private key.
    throw new CliError('BAD_KEY', 'signing-key', `${path} does not hold a PEM private key`);
  }
}

export async function releaseManifestCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      version: { type: 'string' },
      rollback: { type: 'boolean' },
      repository: { type: 'string' },
      commit: { type: 'string' },
      'chart-name': { type: 'string' },
      'chart-version': { type: 'string' },
      image: { type: 'string', multiple: true },
      'builder-id': { type: 'string' },
      'signing-key': { type: 'string' },
      out: { type: 'string' },
    },
    RELEASE_MANIFEST_USAGE,
  );
  const required = [
    'version',
    'repository',
    'commit',
    'chart-version',
    'builder-id',
    'signing-key',
    'out',
  ] as const;
  for (const name of required) {
    if (values[name] === undefined)
      throw new UsageError(`--${name} is required; usage: ${RELEASE_MANIFEST_USAGE}`);
  }
  if (!/^[1-9]\d{0,15}$/.test(values.version!)) throw new UsageError('--version must be a positive integer');
  const published = await asCliFailure(async () =>
    buildReleaseManifest({
      version: Number(values.version),
      rollback: values.rollback ?? false,
      source: { repository: values.repository!, commit: values.commit! },
      chart: { name: values['chart-name'] ?? 'anchorpost', version: values['chart-version']! },
      images: images(values.image ?? []),
      builderId: values['builder-id']!,
      signingKey: await signingKey(values['signing-key']!),
    }),
  );
  await writeBytes(values.out, published.bytes);
  process.stdout.write(
    `cid ${published.cid}\nsha256 ${published.sha256}\nversion ${published.manifest.version}\n`,
  );
  return 0;
}
