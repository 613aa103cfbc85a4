/** `anchorpost keys new [--suite modern|rsa-4096] --out DIR`: a fresh identity (encryption + signing keys). */
import { join } from 'node:path';
import {
  DEFAULT_SUITE,
  fingerprint,
  generateIdentity,
  getSuite,
  toPrivateKeyFile,
  toPublicKeyFile,
} from '@anchorpost/protocol';
import { UsageError } from '../failure.ts';
import { writeJson } from '../files.ts';
import { parseCommand } from '../options.ts';

export const KEYS_USAGE = 'anchorpost keys new [--suite modern|rsa-4096] --out DIR';

export async function keysCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'new') throw new UsageError(`usage: ${KEYS_USAGE}`);
  const { values } = parseCommand(rest, { suite: { type: 'string' }, out: { type: 'string' } }, KEYS_USAGE);
  if (!values.out) throw new UsageError(`--out is required; usage: ${KEYS_USAGE}`);
  const suite = getSuite(values.suite ?? DEFAULT_SUITE, '--suite').name;
  const identity = await generateIdentity(suite);
  await writeJson(join(values.out, 'private-key.json'), toPrivateKeyFile(identity), { secret: true });
  await writeJson(join(values.out, 'public-key.json'), toPublicKeyFile(identity.public));
  process.stdout.write(`${fingerprint(identity.public)}\n`);
  return 0;
}
