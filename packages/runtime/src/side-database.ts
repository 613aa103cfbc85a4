/**
 * A service's second database, when it lives apart from the service's own: the relay's view of
 * the parser's index (usage reports), the proof API's of the relay's receipts. Read now and then,
 * so opened with a small pool; handed to the service's start, and closed after the service — or at
 * once when the start fails, so a failed start leaves no pool open.
 */
import { openDatabase } from '@anchorpost/db';
import type { Database } from '@anchorpost/db';
import type { RunningService } from '@anchorpost/service-kit';

const SIDE_POOL_SIZE = 2;

/** `databaseUrl` undefined: there is no second database and `start` is handed undefined. */
export async function startWithSideDatabase<S extends RunningService>(
  databaseUrl: string | undefined,
  start: (side: Database | undefined) => Promise<S>,
): Promise<S> {
  const side =
    databaseUrl === undefined
      ? undefined
      : await openDatabase({ mode: 'postgres', databaseUrl, poolSize: SIDE_POOL_SIZE });
  return startOwning(side, () => start(side?.database));
}

/**
 * Starts a service that uses `owned` without owning it: `owned` is closed after the service's
 * close (once, however often that is called, even when it throws), or at once when start throws.
 */
export async function startOwning<S extends RunningService>(
  owned: { close(): Promise<void> } | undefined,
  start: () => Promise<S>,
): Promise<S> {
  let service: S;
  try {
    service = await start();
  } catch (error) {
    await owned?.close();
    throw error;
  }
  if (owned === undefined) return service;
  let closing: Promise<void> | undefined;
  return {
    ...service,
    close: () =>
      (closing ??= (async () => {
        try {
          await service.close();
        } finally {
          await owned.close();
        }
      })()),
  };
}
