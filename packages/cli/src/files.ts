/** Reading and writing the CLI's files, with size limits checked before anything is read. */
import { chmod, mkdir, open, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, ProtocolError } from '@anchorpost/protocol';
import { CliError } from './failure.ts';

/** Reads a whole file, refusing (by its size on disk) one larger than `maxBytes`. */
export async function readBounded(path: string, maxBytes: number, field = '-'): Promise<Uint8Array> {
  const info = await stat(path);
  if (!info.isFile()) throw new CliError('IO_NOT_A_FILE', path, 'not a regular file');
  if (info.size > maxBytes) {
    throw new ProtocolError(
      ErrorCode.TooLarge,
      field,
      `file is ${info.size} bytes, the limit is ${maxBytes}`,
    );
  }
  // Read through a handle with the same bound, in case the file grows between stat and read.
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes)
        throw new ProtocolError(ErrorCode.TooLarge, field, `file exceeds ${maxBytes} bytes`);
    }
    return new Uint8Array(buffer.subarray(0, length));
  } finally {
    await handle.close();
  }
}

const JSON_LIMIT = 16 * 1024 * 1024;

export async function readJson(path: string, field: string): Promise<unknown> {
  const bytes = await readBounded(path, JSON_LIMIT, field);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (cause) {
    throw new CliError('BAD_JSON', field, `${path} is not valid UTF-8 JSON: ${(cause as Error).message}`);
  }
}

export async function writeJson(
  path: string,
  value: unknown,
  options: { secret?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Private key files are created owner-only; `flag: 'wx'` never overwrites an existing key.
  await writeFile(
    path,
    `${JSON.stringify(value, null, 2)}\n`,
    options.secret ? { mode: 0o600, flag: 'wx' } : {},
  );
  if (options.secret) await chmod(path, 0o600);
}

export async function writeBytes(path: string | undefined, bytes: Uint8Array): Promise<void> {
  if (path === undefined || path === '-') {
    process.stdout.write(bytes);
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}
