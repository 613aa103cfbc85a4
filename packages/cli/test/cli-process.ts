// Running the built `anchorpost` as a child process, asynchronously so the in-process services
// (embedded database, relay) keep serving while it runs.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

export const BIN = fileURLToPath(new URL('../bin/anchorpost.js', import.meta.url));

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 30_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** The failure contract: the exit code, exactly one stderr line `ERROR <code> <field>: <message>`. */
export function assertFailure(result: Run, code: string, field?: string, status = 1): void {
  assert.equal(
    result.status,
    status,
    `expected exit ${status}, got ${result.status}; stderr: ${result.stderr}`,
  );
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one stderr line, got: ${result.stderr}`);
  const match = /^ERROR ([A-Z0-9_]+) (\S+): (.+)$/.exec(lines[0]!);
  assert.ok(match, `bad error line: ${lines[0]}`);
  assert.equal(match[1], code, lines[0]);
  if (field !== undefined) assert.equal(match[2], field, lines[0]);
}

/** A long-running CLI process whose stdout lines can be awaited one by one. */
export interface Streaming {
  child: ChildProcess;
  /** The stdout lines so far. */
  lines: string[];
  stderr(): string;
  /** Resolves once `count` stdout lines have arrived. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

/** Every CLI process a test started and that still runs. */
const running = new Set<ChildProcess>();

// A test that failed before its CLI process ended must not leave it running: the test file would
// wait on it for ever (a subscribe waiting for a file that never comes).
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnCli(...args: string[]): Streaming {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      for (const listener of listeners) listener();
      resolve(code);
    });
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exit,
    waitForLines(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (lines.length >= count) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(lines.slice(0, count));
          } else if (child.exitCode !== null) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`exited ${child.exitCode} after ${lines.length} lines; stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out after ${lines.length} of ${count} lines; stderr: ${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** Polls `condition` until it holds. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
