/**
 * The CLI's contact list: per contact name, an identity (the address in AnchorpostKeyRegistry)
 * and the key pinned for it — fingerprint and rotation signer, trusted on first use and moved only
 * by a signed rotation or a key the user named (`send --expect`). One JSON file,
 * `contacts.json` in the CLI's config folder (ANCHORPOST_CONFIG_DIR, else
 * `$XDG_CONFIG_HOME/anchorpost`, else `~/.config/anchorpost`), owner-only: the folder 0700, the
 * file 0600, written whole to a temporary file and renamed. A file that others can write is
 * refused (CONTACTS_FILE_MODE): whoever can edit it can move a pin.
 */
import { chmod, mkdir, open, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PinnedKey } from '@anchorpost/sdk';
import { CliError } from './failure.ts';
import { readJson } from './files.ts';

export interface Contact extends PinnedKey {
  readonly identity: string;
  /** When the pin was set or last moved (ISO 8601). */
  readonly pinnedAt: string;
}

export type Contacts = Readonly<Record<string, Contact>>;

const FILE = 'contacts.json';
const VERSION = 'anchorpost.contacts.v1';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;

export function configDir(): string {
  const explicit = process.env.ANCHORPOST_CONFIG_DIR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config'), 'anchorpost');
}

export function contactName(name: string | undefined): string {
  if (name === undefined || !NAME.test(name))
    throw new CliError('BAD_CONTACT_NAME', 'NAME', 'a contact name is 1-64 of A-Z a-z 0-9 . _ -');
  return name;
}

function bad(path: string, why: string): CliError {
  return new CliError('BAD_CONTACTS_FILE', path, why);
}

function parseContact(path: string, name: string, value: unknown): Contact {
  const entry = (value ?? {}) as Record<string, unknown>;
  const { identity, fingerprint, rotationSigner, pinnedAt } = entry;
  const keys = Object.keys(entry).sort().join(',');
  if (
    !NAME.test(name) ||
    keys !== 'fingerprint,identity,pinnedAt,rotationSigner' ||
    typeof identity !== 'string' ||
    !ADDRESS.test(identity) ||
    typeof fingerprint !== 'string' ||
    !FINGERPRINT.test(fingerprint) ||
    typeof rotationSigner !== 'string' ||
    !ADDRESS.test(rotationSigner) ||
    typeof pinnedAt !== 'string'
  ) {
    throw bad(path, `contact '${name}' is not { identity, fingerprint, rotationSigner, pinnedAt }`);
  }
  return { identity, fingerprint, rotationSigner, pinnedAt };
}

/** The contact list; empty when there is no file yet. */
export async function loadContacts(dir = configDir()): Promise<Contacts> {
  const path = join(dir, FILE);
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return {};
    throw error;
  }
  if ((mode & 0o022) !== 0)
    throw new CliError('CONTACTS_FILE_MODE', path, 'others can write the contact list; chmod 600 it');
  const document = (await readJson(path, path)) as { version?: unknown; contacts?: unknown } | null;
  if (document?.version !== VERSION || typeof document.contacts !== 'object' || document.contacts === null)
    throw bad(path, `not an ${VERSION} document`);
  const entries = Object.entries(document.contacts as Record<string, unknown>);
  return Object.fromEntries(entries.map(([name, value]) => [name, parseContact(path, name, value)]));
}

/** Writes the whole list owner-only, through a temporary file renamed over the old one. */
export async function saveContacts(contacts: Contacts, dir = configDir()): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  const sorted = Object.fromEntries(Object.entries(contacts).sort(([a], [b]) => a.localeCompare(b)));
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ version: VERSION, contacts: sorted }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** A contact by name: CONTACT_NOT_FOUND otherwise. */
export function contactNamed(contacts: Contacts, name: string): Contact {
  const contact = Object.hasOwn(contacts, name) ? contacts[name] : undefined;
  if (contact === undefined) throw new CliError('CONTACT_NOT_FOUND', name, `no contact named '${name}'`);
  return contact;
}
