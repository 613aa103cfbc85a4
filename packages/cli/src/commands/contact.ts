/**
 * `anchorpost contact add | list | remove`: the contact list (contacts.ts), each contact's key
 * pinned on first use from AnchorpostKeyRegistry; and the check `send --to NAME` runs before
 * anything is sent (the SDK's `checkContact`): a key rotated by a signature of the pinned key
 * moves the pin (a `notice:` line on stderr) once the send is not refused; any other change is
 * refused with KEY_CHANGED_UNSIGNED unless `--expect FINGERPRINT` names the new key. The file
 * must then be sealed to exactly the keys checked (sealed-to-contacts.ts).
 */
import { checkContact, lookupKey } from '@anchorpost/sdk';
import { CliError, UsageError } from '../failure.ts';
import { contactName, contactNamed, loadContacts, saveContacts, type Contacts } from '../contacts.ts';
import { parseCommand } from '../options.ts';
import { expected, fromBlock } from './keys/keys-lookup.ts';
import { addressOf, registryAt } from './keys/keys-options.ts';
import type { CheckedContact } from './sealed-to-contacts.ts';

const AT = '--registry ADDRESS --rpc URL [--from-block N]';
export const CONTACT_USAGE = [
  `anchorpost contact add NAME ADDRESS [--fingerprint FINGERPRINT] ${AT}`,
  'anchorpost contact list [--json]',
  'anchorpost contact remove NAME',
].join('\n  ');

const OPTIONS = {
  registry: { type: 'string' },
  rpc: { type: 'string' },
  'from-block': { type: 'string' },
  fingerprint: { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function add(name: string, address: string | undefined, values: Values): Promise<number> {
  const identity = addressOf(address, 'ADDRESS', CONTACT_USAGE);
  const contacts = await loadContacts();
  if (Object.hasOwn(contacts, name))
    throw new CliError('CONTACT_EXISTS', name, `'${name}' is a contact already; remove it first`);
  const { key } = await lookupKey(registryAt(values, CONTACT_USAGE), identity, {
    fromBlock: fromBlock(values['from-block']),
  });
  const told = expected(values.fingerprint, '--fingerprint');
  if (told !== undefined && told !== key.fingerprint)
    throw new CliError(
      'FINGERPRINT_MISMATCH',
      name,
      `${identity} has published ${key.fingerprint}, not ${told}`,
    );
  const { fingerprint, rotationSigner } = key;
  const pinnedAt = new Date().toISOString();
  await saveContacts({ ...contacts, [name]: { identity, fingerprint, rotationSigner, pinnedAt } });
  process.stdout.write(`pinned ${name} ${identity} ${fingerprint}\n`);
  return 0;
}

async function list(values: Values): Promise<number> {
  const contacts = await loadContacts();
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ contacts })}\n`);
    return 0;
  }
  for (const [name, { identity, fingerprint, pinnedAt }] of Object.entries(contacts))
    process.stdout.write(`${name} ${identity} ${fingerprint} ${pinnedAt}\n`);
  return 0;
}

async function remove(name: string): Promise<number> {
  const contacts = await loadContacts();
  contactNamed(contacts, name);
  await saveContacts(Object.fromEntries(Object.entries(contacts).filter(([other]) => other !== name)));
  return 0;
}

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values'];

export async function contactCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(rest, OPTIONS, CONTACT_USAGE);
  const wanted = sub === 'add' ? 2 : sub === 'remove' ? 1 : 0;
  if (!['add', 'list', 'remove'].includes(sub ?? '') || positionals.length !== wanted)
    throw new UsageError(`usage: ${CONTACT_USAGE}`);
  if (sub === 'list') return list(values);
  const name = contactName(positionals[0]);
  return sub === 'add' ? add(name, positionals[1], values) : remove(name);
}

/** What `send` takes to check its contacts. */
export interface ContactFlags {
  readonly to?: string[] | undefined;
  readonly expect?: string | undefined;
  readonly registry?: string | undefined;
  readonly rpc?: string | undefined;
  readonly 'from-block'?: string | undefined;
}

/** The `--to` contacts with the keys their check found current, and how to keep the pins moved. */
export interface ContactsChecked {
  readonly contacts: CheckedContact[];
  /** Saves the pins the check moved, each with a `notice:` line; call it once nothing refused the send. */
  save(): Promise<void>;
}

/**
 * Checks every `--to` contact's registered key against its pin before a send, noting the pins
 * that a signed rotation (or `--expect`) moved; the first refusal stops the send, and no pin moves
 * until `save`.
 */
export async function checkContacts(flags: ContactFlags, usage: string): Promise<ContactsChecked> {
  const names = (flags.to ?? []).map(contactName);
  if (names.length === 0) {
    if (flags.expect !== undefined) throw new UsageError('--expect goes with --to');
    return { contacts: [], save: () => Promise.resolve() };
  }
  if (flags.expect !== undefined && names.length > 1)
    throw new UsageError('--expect names one contact’s new key: give one --to with it');
  const contacts = await loadContacts();
  const at = registryAt(flags, usage);
  const options = { expect: expected(flags.expect, '--expect'), fromBlock: fromBlock(flags['from-block']) };
  let moved: Contacts = contacts;
  const notices: string[] = [];
  const checked: CheckedContact[] = [];
  for (const name of names) {
    const contact = contactNamed(contacts, name);
    const check = await checkContact(at, contact.identity, contact, options);
    checked.push({ name, fingerprint: check.key.fingerprint });
    if (check.change === 'none') continue;
    moved = { ...moved, [name]: { ...contact, ...check.pin, pinnedAt: new Date().toISOString() } };
    notices.push(`notice: ${name}: ${check.note}; pin updated to ${check.pin.fingerprint}\n`);
  }
  return {
    contacts: checked,
    async save() {
      if (moved === contacts) return;
      await saveContacts(moved);
      for (const notice of notices) process.stderr.write(notice);
    },
  };
}
