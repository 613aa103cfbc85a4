/** `anchorpost group new --member PUB.json... --out GROUP.json`: a group sealed to every member. */
import { parsePublicKeyFile } from '@anchorpost/protocol';
import { newGroup, saveGroup } from '@anchorpost/sdk';
import { UsageError } from '../failure.ts';
import { readJson } from '../files.ts';
import { parseCommand } from '../options.ts';

export const GROUP_USAGE = 'anchorpost group new --member PUBLIC_KEY.json [--member ...] --out GROUP.json';

export async function groupCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'new') throw new UsageError(`usage: ${GROUP_USAGE}`);
  const { values } = parseCommand(
    rest,
    { member: { type: 'string', multiple: true }, out: { type: 'string' } },
    GROUP_USAGE,
  );
  if (!values.out || !values.member?.length)
    throw new UsageError(`--member and --out are required; usage: ${GROUP_USAGE}`);
  const members = await Promise.all(
    values.member.map(async (path, i) =>
      parsePublicKeyFile(await readJson(path, `--member[${i}]`), `--member[${i}]`),
    ),
  );
  const bundle = await newGroup(members);
  await saveGroup(values.out, bundle);
  process.stdout.write(`${bundle.id}\n`);
  return 0;
}
