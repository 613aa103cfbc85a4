/**
 * The Ergo node TEST DOUBLE started as its own process (main.ts's command line): resolves with its
 * URL once it listens. Its events (stderr JSON lines) go to `events` when given.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** The process's entry point beside this module: main.ts in the sources, main.js once built. */
const MAIN = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'main.ts' : 'main.js');

export interface SpawnedErgoDevnet {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
  readonly url: string;
  /** `/devnet/fund`: `value` nanoERG for `address`, mined in a new block. */
  fund(address: string, value: bigint): Promise<unknown>;
  /** `/devnet/mine`: `blocks` new blocks (default 1). */
  mine(blocks?: number): Promise<unknown>;
}

async function control(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Starts `node main [args]`; resolves once it printed its URL, rejects if it exits before. */
export async function spawnErgoDevnet(
  args: readonly string[],
  events?: NodeJS.WritableStream,
): Promise<SpawnedErgoDevnet> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (events === undefined) child.stderr.resume();
  else child.stderr.pipe(events, { end: false });
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    let printed = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      printed += chunk;
      const line = printed.split('\n').find((l) => l.includes('"url"'));
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => {
      reject(new Error('the Ergo test double exited before it listened'));
    });
  });
  return {
    child,
    exited,
    url,
    fund: (address, value) => control(`${url}/devnet/fund`, { address, value: value.toString() }),
    mine: (blocks = 1) => control(`${url}/devnet/mine`, { blocks }),
  };
}
