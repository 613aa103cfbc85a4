// A standard client tool (grpcurl, kcat) for the tests that call the relay the way its ecosystem
// does: the binary named by its ANCHORPOST_*_BIN variable, else found on PATH. Without it those
// tests skip, visibly; with ANCHORPOST_REQUIRE_STANDARD_TOOLS=1 (scripts/test.sh installs them and
// sets it) they fail instead, so a CI run cannot pass without having run them.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export type ToolForTests = { bin: string } | { skip: string };

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** `name` from `envVar` or PATH, or why the tests that need it skip (or throws when required). */
export async function standardToolForTests(
  name: string,
  envVar: string,
  install: string,
): Promise<ToolForTests> {
  const given = process.env[envVar];
  const bin = given !== undefined && given !== '' ? given : await onPath(name);
  if (bin !== undefined) return { bin };
  const why = `${name} not found (${envVar} unset and none on PATH; ${install} installs it)`;
  if (process.env.ANCHORPOST_REQUIRE_STANDARD_TOOLS === '1') {
    throw new Error(`${why}; required because ANCHORPOST_REQUIRE_STANDARD_TOOLS=1`);
  }
  return { skip: why };
}

export interface ToolRun {
  /** The exit status (0 when it succeeded). */
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the tool to its end with `input` on stdin; a non-zero exit is an answer, not a throw. */
export function runTool(bin: string, args: string[], input = '', timeoutMs = 30_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`${bin} ${args.join(' ')}: ${error.message}; ${stderr}`));
          return;
        }
        resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}
