import { open, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusError, BusErrorCode } from '@anchorpost/bus-port';

const LOCK_FILE = 'LOCK';

/** Directories this process holds, shared by every copy of this module loaded in the process. */
const HELD_KEY = Symbol.for('anchorpost.bus.file-log.held-directories');
const held: Set<string> = ((globalThis as Record<symbol, unknown>)[HELD_KEY] ??=
  new Set<string>()) as Set<string>;

/**
 * One process owns a log directory: `LOCK` holds the owner's pid. A lock left by a dead process,
 * or by an earlier run with our own pid (containers restart as the same pid), is taken over.
 */
export class DirectoryLock {
  readonly dir: string;
  private released = false;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async acquire(dir: string): Promise<DirectoryLock> {
    const real = await realpath(dir);
    if (held.has(real)) {
      throw new BusError(BusErrorCode.Locked, `bus directory ${real} is already open in this process`, {
        retryable: false,
      });
    }
    held.add(real);
    try {
      await takeLockFile(join(real, LOCK_FILE));
      return new DirectoryLock(real);
    } catch (error) {
      held.delete(real);
      throw error;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await rm(join(this.dir, LOCK_FILE), { force: true });
    held.delete(this.dir);
  }
}

async function takeLockFile(path: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (!hasCode(error, 'EEXIST')) throw error;
    }
    const owner = await readOwner(path);
    if (owner !== null && owner !== process.pid && isAlive(owner)) {
      throw new BusError(
        BusErrorCode.Locked,
        `bus directory is locked by running process ${owner} (${path}); one process owns a log directory`,
      );
    }
    await rm(path, { force: true });
  }
  throw new BusError(BusErrorCode.Locked, `could not take the lock ${path}: other processes keep taking it`);
}

/** The pid in the lock file; null when there is none (a writer that died between create and write). */
async function readOwner(path: string): Promise<number | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isSafeInteger(pid) && pid > 0) return pid;
    // An opener may be between creating the file and writing its pid: look once more.
    await sleep(100);
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return hasCode(error, 'EPERM');
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
