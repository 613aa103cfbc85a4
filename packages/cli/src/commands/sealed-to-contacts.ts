/**
 * `send --to`'s second check, after each contact's key is checked against its pin: the tx-file
 * must be sealed to exactly those keys. `--group` is the group bundle the file was built for,
 * opened with `--key` (the sender's private key file, a member): the file must open with that
 * group (FILE_NOT_FOR_GROUP otherwise, e.g. a file built for another group), and the group's
 * members must be the contacts' checked keys, plus at most the sender's own key (`tx build` needs
 * the sender in the group). A contact's key the group lacks — a group made before a rotation —
 * is GROUP_MISSES_CONTACT; a member that is no contact's current key (another person, or a
 * contact's old key) is GROUP_HAS_OTHER_KEY. Either stops the send before anything is sent. The
 * members are the ids the bundle lists (what `anchorpost group new` wrote from the public keys it
 * was given); whoever made the bundle is trusted for them, so make the group yourself.
 */
import { fingerprint, isProtocolError, parsePrivateKeyFile, parseTxFile } from '@anchorpost/protocol';
import { joinGroup, openGroupTxFile, type GroupMembership } from '@anchorpost/sdk';
import { CliError, UsageError } from '../failure.ts';
import { readJson } from '../files.ts';

/** A contact of the send and the key its check found current. */
export interface CheckedContact {
  readonly name: string;
  readonly fingerprint: string;
}

/** `--group` and `--key` of a send. */
export interface SealedTo {
  readonly group: string;
  readonly key: string;
}

/** `--group` and `--key`: both with `--to`, neither without (a usage mistake, before anything is read). */
export function sealedToFlags(flags: {
  to?: string[] | undefined;
  group?: string | undefined;
  key?: string | undefined;
}): SealedTo | undefined {
  const { group, key } = flags;
  if ((flags.to ?? []).length === 0) {
    if (group !== undefined || key !== undefined) throw new UsageError('--group and --key go with --to');
    return undefined;
  }
  if (group === undefined || key === undefined)
    throw new UsageError(
      '--to needs --group GROUP.json and --key PRIVATE_KEY.json: the group the file is sealed to, opened with your key',
    );
  return { group, key };
}

/** The file names the group by its recipient hash, and opens with the group's keys. */
function sealedTo(bytes: Uint8Array, membership: GroupMembership, file: string): void {
  const other = new CliError('FILE_NOT_FOR_GROUP', file, `${file} is sealed to another group than --group`);
  if (parseTxFile(bytes).recipient.sha512hash !== membership.recipient) throw other;
  try {
    openGroupTxFile(bytes, membership);
  } catch (error) {
    if (isProtocolError(error) && error.code === 'NOT_A_MEMBER') throw other;
    throw error;
  }
}

/** Refuses the send unless `bytes` (the file `file`) is sealed to exactly `contacts`' keys. */
export async function checkSealedToContacts(
  bytes: Uint8Array,
  file: string,
  contacts: readonly CheckedContact[],
  flags: SealedTo,
): Promise<void> {
  const sender = parsePrivateKeyFile(await readJson(flags.key, '--key'), '--key');
  const membership = joinGroup(await readJson(flags.group, '--group'), sender);
  sealedTo(bytes, membership, file);
  const members = new Set(membership.members);
  for (const contact of contacts) {
    if (!members.has(contact.fingerprint))
      throw new CliError(
        'GROUP_MISSES_CONTACT',
        '--group',
        `${contact.name}'s key ${contact.fingerprint} is not in the group (made before a rotation?); make the group again`,
      );
  }
  const allowed = new Set([...contacts.map((contact) => contact.fingerprint), fingerprint(sender.public)]);
  const other = membership.members.find((id) => !allowed.has(id));
  if (other !== undefined)
    throw new CliError(
      'GROUP_HAS_OTHER_KEY',
      '--group',
      `the group is sealed to ${other}, which is neither a --to contact's current key nor yours`,
    );
}
