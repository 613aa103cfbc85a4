// The auditor's trust file, taken from what the platform publishes (GET /v1/trust-roots): the e2e
// suites verify every proof under it, never under the proof's own claims.
import { writeFile } from 'node:fs/promises';
import { parseTrustRoots, type TrustRoots } from '@anchorpost/proofs';
import { waitUntil } from './clients.ts';

/** GET /v1/trust-roots, read strictly; asked again while the proof API is down or restarting. */
export async function publishedTrustRoots(proofApiUrl: string, timeoutMs = 60_000): Promise<TrustRoots> {
  let roots: TrustRoots | undefined;
  await waitUntil(
    'the published trust roots',
    async () => {
      try {
        const response = await fetch(`${proofApiUrl}/v1/trust-roots`, {
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status !== 200) {
          await response.body?.cancel();
          return false;
        }
        roots = parseTrustRoots(await response.json());
        return true;
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
  return roots!;
}

/** Saves the published trust roots as the trust file `anchorpost verify --trust` reads. */
export async function savePublishedTrustRoots(proofApiUrl: string, path: string): Promise<string> {
  await writeFile(path, `${JSON.stringify(await publishedTrustRoots(proofApiUrl), null, 2)}\n`);
  return path;
}
