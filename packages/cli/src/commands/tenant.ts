/**
 * `anchorpost tenant …`: the operator's side of tenants, over the relay's admin API (its own
 * port, 127.0.0.1:7412 by default; `--admin URL` or ANCHORPOST_ADMIN_URL), with the admin key
 * from ANCHORPOST_ADMIN_KEY or `--admin-key-file FILE` (the platform writes keys/admin-key).
 * A new API key is printed once: only its hash is kept. `recipient add` lets a tenant subscribe to
 * a recipient hash it does not send to (members that only receive).
 */
import { readFile } from 'node:fs/promises';
import { CliError, UsageError } from '../failure.ts';
import { readJson } from '../files.ts';
import { refusal, request, serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';

export const TENANT_USAGE = `anchorpost tenant add ID | list [--json] | key new ID [--scopes submit,subscribe] [--expires TIME] | key revoke KEY_ID | client add ID PUBLIC_KEY_FILE | client remove ID CLIENT_ID | recipient add ID RECIPIENT_HASH | recipient remove ID RECIPIENT_HASH | recipient list ID [--json]  [--admin URL] [--admin-key-file FILE]`;

const DEFAULT_ADMIN_URL = 'http://127.0.0.1:7412';

interface Admin {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

async function adminKey(file: string | undefined): Promise<string> {
  const key = file === undefined ? process.env.ANCHORPOST_ADMIN_KEY : (await readFile(file, 'utf8')).trim();
  if (key === undefined || key === '') {
    throw new UsageError(`--admin-key-file or ANCHORPOST_ADMIN_KEY is required; usage: ${TENANT_USAGE}`);
  }
  return key;
}

function admin(base: string, key: string): Admin {
  return {
    async call(method, path, body) {
      const url = serviceUrl(base, '--admin', path);
      const response = await request(url, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw await refusal(response);
      return await response.json().catch((): unknown => {
        throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered ${response.status} without JSON`);
      });
    },
  };
}

interface ListedTenant {
  id: string;
  clientIds: string[];
  apiKeys: { id: string; scopes: string[]; expiresAt: string | null; revokedAt: string | null }[];
}

function printTenants(body: unknown, json: boolean): void {
  const { tenants } = body as { tenants: ListedTenant[] };
  if (json) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  for (const tenant of tenants) {
    process.stdout.write(`${tenant.id}\n`);
    for (const client of tenant.clientIds) process.stdout.write(`  client ${client}\n`);
    for (const key of tenant.apiKeys) {
      const state =
        key.revokedAt !== null ? 'revoked' : key.expiresAt !== null ? `expires ${key.expiresAt}` : 'active';
      process.stdout.write(`  key ${key.id} ${key.scopes.join(',')} ${state}\n`);
    }
  }
}

interface ListedRecipient {
  recipientHash: string;
  sentAt: string | null;
  registeredAt: string | null;
}

/** Every page of the tenant's recipients, one line each (or one JSON array). */
async function listRecipients(api: Admin, tenant: string, json: boolean): Promise<void> {
  const all: ListedRecipient[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? '' : `?after=${after}`;
    const page = (await api.call(
      'GET',
      `v1/admin/tenants/${encodeURIComponent(tenant)}/recipients${query}`,
    )) as {
      recipients: ListedRecipient[];
      next: string | null;
    };
    all.push(...page.recipients);
    after = page.next;
  } while (after !== null);
  if (json) {
    process.stdout.write(`${JSON.stringify({ recipients: all })}\n`);
    return;
  }
  for (const { recipientHash, sentAt, registeredAt } of all) {
    const why = [
      sentAt === null ? '' : `sent ${sentAt}`,
      registeredAt === null ? '' : `registered ${registeredAt}`,
    ];
    process.stdout.write(`${recipientHash} ${why.filter((part) => part !== '').join(' ')}\n`);
  }
}

export async function tenantCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      admin: { type: 'string' },
      'admin-key-file': { type: 'string' },
      scopes: { type: 'string' },
      expires: { type: 'string' },
      json: { type: 'boolean' },
    },
    TENANT_USAGE,
  );
  const usage = (): never => {
    throw new UsageError(`usage: ${TENANT_USAGE}`);
  };
  const [verb, ...rest] = positionals;
  const shapes: Record<string, number> = {
    add: 1,
    list: 0,
    'key new': 2,
    'key revoke': 2,
    'client add': 3,
    'client remove': 3,
    'recipient add': 3,
    'recipient remove': 3,
    'recipient list': 2,
  };
  const shape =
    verb === 'key' || verb === 'client' || verb === 'recipient' ? `${verb} ${rest[0] ?? ''}` : (verb ?? '');
  if (shapes[shape] !== rest.length) usage();
  const api = admin(
    values.admin ?? process.env.ANCHORPOST_ADMIN_URL ?? DEFAULT_ADMIN_URL,
    await adminKey(values['admin-key-file']),
  );
  const at = encodeURIComponent;
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (verb === 'add' && rest.length === 1) {
    const body = (await api.call('POST', 'v1/admin/tenants', { id: rest[0] })) as { created: boolean };
    out(body.created ? `added ${rest[0]!}` : `${rest[0]!} exists`);
  } else if (verb === 'list' && rest.length === 0) {
    printTenants(await api.call('GET', 'v1/admin/tenants'), values.json === true);
  } else if (verb === 'key' && rest[0] === 'new' && rest.length === 2) {
    const scopes = (values.scopes ?? 'submit,subscribe').split(',').filter((scope) => scope !== '');
    const body = (await api.call('POST', `v1/admin/tenants/${at(rest[1]!)}/api-keys`, {
      scopes,
      ...(values.expires === undefined ? {} : { expiresAt: values.expires }),
    })) as { apiKey: { key: string; id: string } };
    if (values.json === true) out(JSON.stringify(body.apiKey));
    else {
      out(body.apiKey.key);
      process.stderr.write(`key ${body.apiKey.id}: shown this once; keep it secret\n`);
    }
  } else if (verb === 'key' && rest[0] === 'revoke' && rest.length === 2) {
    await api.call('POST', `v1/admin/api-keys/${at(rest[1]!)}/revoke`);
    out(`revoked ${rest[1]!}`);
  } else if (verb === 'client' && rest[0] === 'add' && rest.length === 3) {
    const publicKey = await readJson(rest[2]!, 'PUBLIC_KEY_FILE');
    const body = (await api.call('POST', `v1/admin/tenants/${at(rest[1]!)}/clients`, { publicKey })) as {
      clientId: string;
    };
    out(body.clientId);
  } else if (verb === 'client' && rest[0] === 'remove' && rest.length === 3) {
    await api.call('DELETE', `v1/admin/tenants/${at(rest[1]!)}/clients/${at(rest[2]!)}`);
    out(`removed ${rest[2]!}`);
  } else if (verb === 'recipient' && rest[0] === 'add' && rest.length === 3) {
    const body = (await api.call('POST', `v1/admin/tenants/${at(rest[1]!)}/recipients`, {
      recipientHash: rest[2],
    })) as { registered: boolean };
    out(body.registered ? `registered ${rest[2]!}` : `${rest[2]!} was registered`);
  } else if (verb === 'recipient' && rest[0] === 'remove' && rest.length === 3) {
    await api.call('DELETE', `v1/admin/tenants/${at(rest[1]!)}/recipients/${at(rest[2]!)}`);
    out(`removed ${rest[2]!}`);
  } else if (verb === 'recipient' && rest[0] === 'list' && rest.length === 2) {
    await listRecipients(api, rest[1]!, values.json === true);
  } else usage();
  return 0;
}
