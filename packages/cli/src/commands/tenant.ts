/**
 * `anchorpost tenant …`: the operator's side of tenants, over the relay's admin API (its own
 * port, 127.0.0.1:7412 by default; `--admin URL` or ANCHORPOST_ADMIN_URL), with the admin key
 * from ANCHORPOST_ADMIN_KEY or `--admin-key-file FILE` (the platform writes keys/admin-key).
 * A new API key is printed once: only its hash is kept. `recipient add` lets a tenant subscribe to
 * a recipient hash it does not send to (members that only receive).
 */
import { adminApi, adminKey, adminUrl } from '../admin-api.ts';
import type { AdminApi } from '../admin-api.ts';
import { UsageError } from '../failure.ts';
import { readJson } from '../files.ts';
import { parseCommand } from '../options.ts';

export const TENANT_USAGE = `anchorpost tenant add ID | list [--json] | plan set ID PLAN [--files-per-second N] [--bytes-per-day N] [--max-streams N] [--max-file-bytes N] | usage [ID] [--from DAY] [--to DAY] [--json] | key new ID [--scopes submit,subscribe] [--expires TIME] [--json] | key revoke KEY_ID | client add ID PUBLIC_KEY_FILE | client remove ID CLIENT_ID | recipient add ID RECIPIENT_HASH | recipient remove ID RECIPIENT_HASH | recipient list ID [--json]  [--admin URL] [--admin-key-file FILE]`;

/** `plan set` options and the limit each overrides. */
const LIMIT_OPTIONS = {
  'files-per-second': 'filesPerSecond',
  'bytes-per-day': 'bytesPerDay',
  'max-streams': 'maxStreams',
  'max-file-bytes': 'maxFileBytes',
} as const;

interface ListedTenant {
  id: string;
  plan: string;
  overrides: Record<string, number>;
  clientIds: string[];
  apiKeys: { id: string; scopes: string[]; expiresAt: string | null; revokedAt: string | null }[];
}

/** The limits given as options, as overrides (USAGE for one that is no positive integer). */
function overridesOf(values: Record<string, unknown>): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [option, limit] of Object.entries(LIMIT_OPTIONS)) {
    const text = values[option];
    if (text === undefined) continue;
    const value = Number(text);
    if (typeof text !== 'string' || !/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(value)) {
      throw new UsageError(`--${option} must be a positive integer; usage: ${TENANT_USAGE}`);
    }
    overrides[limit] = value;
  }
  return overrides;
}

interface UsageDay {
  tenantId: string;
  day: string;
  files: number;
  bytes: number;
  deliveries: number;
  streams: number;
}

interface TenantUsage {
  tenantId: string;
  days: UsageDay[];
  report: {
    receipts: number;
    batches: { platform: string; sequence: number; cid: string; files: number }[];
    unbatched: number;
  };
}

function printUsage(body: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  const { days, report } = body as Partial<TenantUsage> & { days: UsageDay[] };
  for (const day of days) {
    process.stdout.write(
      `${day.day} ${day.tenantId} files ${day.files} bytes ${day.bytes} deliveries ${day.deliveries} streams ${day.streams}\n`,
    );
  }
  if (report === undefined) return;
  process.stdout.write(`receipts ${report.receipts} unbatched ${report.unbatched}\n`);
  for (const batch of report.batches) {
    process.stdout.write(`  batch ${batch.platform} #${batch.sequence} ${batch.cid} files ${batch.files}\n`);
  }
}

function printTenants(body: unknown, json: boolean): void {
  const { tenants } = body as { tenants: ListedTenant[] };
  if (json) {
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  for (const tenant of tenants) {
    const overrides = Object.entries(tenant.overrides).map(([name, value]) => ` ${name}=${value}`);
    process.stdout.write(`${tenant.id} ${tenant.plan}${overrides.join('')}\n`);
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
async function listRecipients(api: AdminApi, tenant: string, json: boolean): Promise<void> {
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
      from: { type: 'string' },
      to: { type: 'string' },
      'files-per-second': { type: 'string' },
      'bytes-per-day': { type: 'string' },
      'max-streams': { type: 'string' },
      'max-file-bytes': { type: 'string' },
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
    'plan set': 3,
  };
  const grouped = new Set(['key', 'client', 'recipient', 'plan']);
  const shape = verb !== undefined && grouped.has(verb) ? `${verb} ${rest[0] ?? ''}` : (verb ?? '');
  if (shapes[shape] !== rest.length && !(verb === 'usage' && rest.length <= 1)) usage();
  const api = adminApi(adminUrl(values.admin), await adminKey(values['admin-key-file'], TENANT_USAGE));
  const at = encodeURIComponent;
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (verb === 'add' && rest.length === 1) {
    const body = (await api.call('POST', 'v1/admin/tenants', { id: rest[0] })) as { created: boolean };
    out(body.created ? `added ${rest[0]!}` : `${rest[0]!} exists`);
  } else if (verb === 'list' && rest.length === 0) {
    printTenants(await api.call('GET', 'v1/admin/tenants'), values.json === true);
  } else if (verb === 'plan' && rest[0] === 'set' && rest.length === 3) {
    const body = (await api.call('PUT', `v1/admin/tenants/${at(rest[1]!)}/plan`, {
      plan: rest[2],
      overrides: overridesOf(values),
    })) as { plan: string; overrides: Record<string, number> };
    const overrides = Object.entries(body.overrides).map(([name, value]) => ` ${name}=${value}`);
    out(`${rest[1]!} ${body.plan}${overrides.join('')}`);
  } else if (verb === 'usage') {
    const query = new URLSearchParams();
    if (values.from !== undefined) query.set('from', values.from);
    if (values.to !== undefined) query.set('to', values.to);
    const path = rest[0] === undefined ? 'v1/admin/usage' : `v1/admin/tenants/${at(rest[0])}/usage`;
    printUsage(
      await api.call('GET', `${path}${query.size === 0 ? '' : `?${query.toString()}`}`),
      values.json === true,
    );
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
