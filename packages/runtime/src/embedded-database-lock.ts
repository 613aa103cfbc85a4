/**
 * The embedded database (PGlite) has one owner: a second process opening the same folder would
 * corrupt it, and PGlite does not stop it. So a stand-alone service takes `<postgres dir>.lock`
 * (the owner's pid) first; a lock left by a dead process is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '@anchorpost/config';

export interface EmbeddedDatabaseLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabaseLock> {
  const path = `${dataDir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new ConfigError(
        'ANCHORPOST_DATABASE_URL',
        `the embedded database ${dataDir} is in use by process ${owner}; only one process may use it ` +
          '(set ANCHORPOST_DATABASE_URL to a PostgreSQL server to run services as separate processes)',
      );
    }
    await rm(path, { force: true });
  }
  throw new Error(`could not take the lock ${path}: other processes keep taking it`);
}
