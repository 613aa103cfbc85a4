/**
 * Build provenance of one image: an in-toto Statement v1 whose subject is the image (by digest)
 * and whose predicate is SLSA Provenance v1, naming the Git commit it was built from among its
 * resolved dependencies. Built and signed by the release's builder; checked by the verifier.
 */
import { ReleaseError, ReleaseErrorCode } from './release-error.ts';
import type { ReleaseImage, ReleaseSource } from './manifest.ts';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** What this build is: the repository's Dockerfile, one target per service. */
export const IMAGE_BUILD_TYPE = 'https://github.com/anchorpost/anchorpost/blob/main/docs/images.md';

export interface ProvenanceInput {
  readonly image: Pick<ReleaseImage, 'name' | 'digest'>;
  readonly source: ReleaseSource;
  /** The Dockerfile target the image was built from (`relay`, `migrate`...). */
  readonly target: string;
  /** Who built it (a CI workflow's URI); the key that signs the statement speaks for it. */
  readonly builderId: string;
}

export function provenanceStatement(input: ProvenanceInput): Record<string, unknown> {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: input.image.name, digest: { sha256: input.image.digest.slice('sha256:'.length) } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: IMAGE_BUILD_TYPE,
        externalParameters: {
          repository: input.source.repository,
          dockerfile: 'Dockerfile',
          target: input.target,
        },
        resolvedDependencies: [
          {
            uri: `git+${input.source.repository}@${input.source.commit}`,
            digest: { gitCommit: input.source.commit },
          },
        ],
      },
      runDetails: { builder: { id: input.builderId } },
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a verified payload against the manifest: a Statement v1 with SLSA provenance, exactly one
 * subject that is this image by name and digest, and the manifest's commit of the manifest's
 * repository among what the build resolved.
 */
export function checkProvenance(
  payload: Uint8Array,
  image: ReleaseImage,
  source: ReleaseSource,
  field: string,
): void {
  const bad = (why: string): never => {
    throw new ReleaseError(ReleaseErrorCode.BadStatement, `${field}.dsseEnvelope.payload`, why);
  };
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return bad('the payload is not UTF-8 JSON');
  }
  if (!isRecord(statement) || statement._type !== STATEMENT_TYPE)
    return bad(`not an in-toto ${STATEMENT_TYPE}`);
  if (statement.predicateType !== SLSA_PROVENANCE_V1)
    return bad(`the predicate is not ${SLSA_PROVENANCE_V1}`);
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1 || !isRecord(subjects[0]))
    return bad('not exactly one subject');
  const subject = subjects[0];
  const digest = isRecord(subject.digest) ? subject.digest.sha256 : undefined;
  if (subject.name !== image.name || `sha256:${String(digest)}` !== image.digest) {
    throw new ReleaseError(
      ReleaseErrorCode.SubjectMismatch,
      `${field}.dsseEnvelope.payload`,
      `the statement is about ${String(subject.name)}@sha256:${String(digest)}, not ${image.name}@${image.digest}`,
    );
  }
  const predicate = isRecord(statement.predicate) ? statement.predicate : {};
  const definition = isRecord(predicate.buildDefinition) ? predicate.buildDefinition : {};
  const dependencies = Array.isArray(definition.resolvedDependencies) ? definition.resolvedDependencies : [];
  const fromSource = dependencies.some(
    (d) =>
      isRecord(d) &&
      isRecord(d.digest) &&
      d.digest.gitCommit === source.commit &&
      d.uri === `git+${source.repository}@${source.commit}`,
  );
  if (!fromSource) {
    throw new ReleaseError(
      ReleaseErrorCode.SourceMismatch,
      `${field}.dsseEnvelope.payload`,
      `the image was not built from ${source.repository} at ${source.commit}`,
    );
  }
}
