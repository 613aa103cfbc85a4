/**
 * The policy file (ANCHORPOST_SPONSOR_POLICY_FILE), read strictly at start-up — a typo must stop
 * the sponsor, not sponsor the wrong calls:
 *
 * ```json
 * {
 *   "governors": [{ "address": "0x…", "name": "AnchorpostGovernor", "version": "1" }],
 *   "tenants": {
 *     "acme": {
 *       "allow": { "0x<target>": ["0x<selector>"] },
 *       "maxGas": "500000",
 *       "periodSeconds": 86400,
 *       "tenantBudget": { "wei": "100000000000000000", "count": 1000 },
 *       "userBudget": { "wei": "1000000000000000", "count": 10 },
 *       "minDeadlineSeconds": 30,
 *       "accountKeyFile": "/run/secrets/acme-sponsor-key"
 *     }
 *   }
 * }
 * ```
 *
 * `accountKeyFile` (optional) gives the tenant a sponsor account of its own; without it the
 * tenant's sponsorships are paid by the shared account.
 */
import { readFileSync } from 'node:fs';
import { getAddress } from 'ethers';
import type { TenantPolicy } from '@anchorpost/sponsor-core';

export interface SponsorPolicies {
  readonly policies: ReadonlyMap<string, TenantPolicy>;
  readonly governors: ReadonlyMap<string, { readonly name: string; readonly version: string }>;
  /** Tenants with a sponsor account of their own: the file holding its key. */
  readonly accountKeyFiles: ReadonlyMap<string, string>;
}

export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicyFileError(`${where}: expected an object`);
  return value as Json;
}

function only(value: Json, keys: readonly string[], where: string): void {
  const extra = Object.keys(value).filter((key) => !keys.includes(key));
  if (extra.length > 0) throw new PolicyFileError(`${where}: unknown field(s) ${extra.join(', ')}`);
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new PolicyFileError(`${where}: expected a string`);
  return value;
}

function integer(value: unknown, where: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new PolicyFileError(`${where}: expected an integer ≥ ${min}`);
  return value;
}

function wei(value: unknown, where: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(value))
    throw new PolicyFileError(`${where}: expected a decimal string`);
  return BigInt(value);
}

function address(value: unknown, where: string): string {
  try {
    return getAddress(text(value, where));
  } catch (error) {
    if (error instanceof PolicyFileError) throw error;
    throw new PolicyFileError(`${where}: not an address`);
  }
}

function budget(value: unknown, where: string): { wei: bigint; count: number } {
  const fields = object(value, where);
  only(fields, ['wei', 'count'], where);
  return { wei: wei(fields['wei'], `${where}.wei`), count: integer(fields['count'], `${where}.count`, 0) };
}

function allowList(value: unknown, where: string): Map<string, Set<string>> {
  const allow = new Map<string, Set<string>>();
  for (const [target, selectors] of Object.entries(object(value, where))) {
    const at = `${where}.${target}`;
    if (!Array.isArray(selectors)) throw new PolicyFileError(`${at}: expected a list of selectors`);
    allow.set(
      address(target, at),
      new Set(
        selectors.map((selector, i) => {
          if (typeof selector !== 'string' || !/^0x[0-9a-f]{8}$/.test(selector))
            throw new PolicyFileError(`${at}[${i}]: expected a 4-byte selector, 0x and 8 lower-case hex`);
          return selector;
        }),
      ),
    );
  }
  return allow;
}

const TENANT_FIELDS = [
  'allow',
  'maxGas',
  'periodSeconds',
  'tenantBudget',
  'userBudget',
  'minDeadlineSeconds',
  'accountKeyFile',
] as const;

export function parseSponsorPolicies(json: unknown): SponsorPolicies {
  const root = object(json, 'policy file');
  only(root, ['governors', 'tenants'], 'policy file');
  const governors = new Map<string, { name: string; version: string }>();
  const listed = root['governors'] ?? [];
  if (!Array.isArray(listed)) throw new PolicyFileError('governors: expected a list');
  listed.forEach((entry, i) => {
    const where = `governors[${i}]`;
    const governor = object(entry, where);
    only(governor, ['address', 'name', 'version'], where);
    governors.set(address(governor['address'], `${where}.address`), {
      name: text(governor['name'], `${where}.name`),
      version: text(governor['version'], `${where}.version`),
    });
  });
  const policies = new Map<string, TenantPolicy>();
  const accountKeyFiles = new Map<string, string>();
  for (const [tenant, value] of Object.entries(object(root['tenants'], 'tenants'))) {
    const where = `tenants.${tenant}`;
    const fields = object(value, where);
    only(fields, TENANT_FIELDS, where);
    policies.set(tenant, {
      tenant,
      allow: allowList(fields['allow'], `${where}.allow`),
      maxGas: wei(fields['maxGas'], `${where}.maxGas`),
      periodSeconds: integer(fields['periodSeconds'], `${where}.periodSeconds`, 60),
      tenantBudget: budget(fields['tenantBudget'], `${where}.tenantBudget`),
      userBudget: budget(fields['userBudget'], `${where}.userBudget`),
      minDeadlineSeconds: integer(fields['minDeadlineSeconds'] ?? 30, `${where}.minDeadlineSeconds`, 0),
    });
    if (fields['accountKeyFile'] !== undefined)
      accountKeyFiles.set(tenant, text(fields['accountKeyFile'], `${where}.accountKeyFile`));
  }
  return { policies, governors, accountKeyFiles };
}

export function readSponsorPolicies(path: string): SponsorPolicies {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new PolicyFileError(`cannot read the policy file ${path}`, { cause });
  }
  return parseSponsorPolicies(json);
}
