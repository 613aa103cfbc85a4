import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseSponsorPolicies, PolicyFileError } from '../src/sponsor-policy-file.ts';

const REGISTRY = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const tenant = {
  allow: { [REGISTRY]: ['0x12345678'] },
  maxGas: '500000',
  periodSeconds: 86_400,
  tenantBudget: { wei: '100000000000000000', count: 1000 },
  userBudget: { wei: '1000000000000000', count: 10 },
  accountKeyFile: '/run/secrets/acme',
};

it('reads tenants’ policies, governors and tenants’ own key files', () => {
  const read = parseSponsorPolicies({
    governors: [{ address: REGISTRY, name: 'AnchorpostGovernor', version: '1' }],
    tenants: { acme: tenant, globex: { ...tenant, accountKeyFile: undefined } },
  });
  const acme = read.policies.get('acme');
  assert.ok(acme);
  assert.equal(acme.maxGas, 500_000n);
  assert.equal(acme.minDeadlineSeconds, 30);
  assert.deepEqual([...acme.allow.keys()], ['0x5FbDB2315678afecb367f032d93F642f64180aa3']);
  assert.equal(acme.tenantBudget.wei, 10n ** 17n);
  assert.deepEqual([...read.accountKeyFiles], [['acme', '/run/secrets/acme']]);
  assert.equal(read.governors.get('0x5FbDB2315678afecb367f032d93F642f64180aa3')?.name, 'AnchorpostGovernor');
});

it('stops at a typo instead of sponsoring the wrong calls', () => {
  const cases: [unknown, RegExp][] = [
    [{ tenants: { acme: { ...tenant, maxgas: '1' } } }, /unknown field\(s\) maxgas/],
    [{ tenants: { acme: { ...tenant, allow: { [REGISTRY]: ['0x1234'] } } } }, /4-byte selector/],
    [{ tenants: { acme: { ...tenant, allow: { '0xnot': [] } } } }, /not an address/],
    [{ tenants: { acme: { ...tenant, maxGas: 500000 } } }, /maxGas: expected a decimal string/],
    [{ tenants: { acme: { ...tenant, userBudget: { wei: '1' } } } }, /userBudget.count/],
    [{ tenant: {} }, /unknown field\(s\) tenant/],
  ];
  for (const [json, message] of cases) {
    assert.throws(
      () => parseSponsorPolicies(json),
      (error: unknown) => {
        assert.ok(error instanceof PolicyFileError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});
