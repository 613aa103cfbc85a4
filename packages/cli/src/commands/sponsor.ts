/**
 * `anchorpost sponsor status DIGEST | budget [--user ADDRESS] | ledger | reconcile`: a tenant's view of the sponsor
 * (`--sponsor URL` or ANCHORPOST_SPONSOR_URL, default http://127.0.0.1:7490) with the tenant's API
 * key (`--api-key` or ANCHORPOST_API_KEY): where a sponsorship is, and what the period has used
 * of the tenant's (and a user's) budget; its ledger and reconciliation (sponsor-ledger.ts).
 * `--json` prints the service's answer as it is.
 */
import { apiKeyOf } from '../api-key.ts';
import { CliError, UsageError } from '../failure.ts';
import { refusal, request, serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';
import { printLedger, printReconciliation } from './sponsor-ledger.ts';

export const SPONSOR_USAGE =
  'anchorpost sponsor status DIGEST | budget [--user ADDRESS] | ledger | reconcile  [--sponsor URL] [--api-key KEY] [--json]';

const DEFAULT_SPONSOR_URL = 'http://127.0.0.1:7490';
const WEI_PER_ETH = 10n ** 18n;

interface BudgetUse {
  budgetWei: string;
  budgetCount: number;
  spentWei: string;
  spentCount: number;
}

interface Budget {
  periodStart: string;
  periodSeconds: number;
  tenant: BudgetUse;
  user?: BudgetUse & { address: string };
}

interface Sponsorship {
  digest: string;
  status: string;
  user: string;
  reservedWei: string;
  chargedWei: string | null;
  txHash: string | null;
  succeeded: boolean | null;
}

/** Wei as ETH with every digit kept (no rounding in an invoice). */
function eth(wei: string): string {
  const value = BigInt(wei);
  const fraction = (value % WEI_PER_ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return `${value / WEI_PER_ETH}${fraction === '' ? '' : `.${fraction}`} ETH`;
}

function useLine(name: string, use: BudgetUse): string {
  return `${name}: ${eth(use.spentWei)} of ${eth(use.budgetWei)}, ${use.spentCount} of ${use.budgetCount} sponsorships\n`;
}

async function get(
  base: string,
  path: string,
  apiKey: string,
  query?: Record<string, string>,
): Promise<unknown> {
  const url = serviceUrl(base, '--sponsor', path);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
  const response = await request(url, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw await refusal(response);
  return await response.json().catch((): unknown => {
    throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered ${response.status} without JSON`);
  });
}

export async function sponsorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      sponsor: { type: 'string' },
      'api-key': { type: 'string' },
      user: { type: 'string' },
      json: { type: 'boolean' },
    },
    SPONSOR_USAGE,
  );
  const base = values.sponsor ?? process.env.ANCHORPOST_SPONSOR_URL ?? DEFAULT_SPONSOR_URL;
  const [action, digest, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`too many arguments; usage: ${SPONSOR_USAGE}`);
  if (action === 'status' && digest !== undefined) {
    const apiKey = apiKeyOf(values['api-key'], SPONSOR_USAGE);
    const answer = (await get(base, `v1/sponsorships/${encodeURIComponent(digest)}`, apiKey)) as Sponsorship;
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify(answer)}\n`);
      return 0;
    }
    process.stdout.write(`${answer.digest} ${answer.status}\n`);
    process.stdout.write(`  user ${answer.user}\n  reserved ${eth(answer.reservedWei)}\n`);
    if (answer.chargedWei !== null) process.stdout.write(`  charged ${eth(answer.chargedWei)}\n`);
    if (answer.txHash !== null) {
      const call = answer.succeeded === false ? ' (the call reverted; the gas is charged)' : '';
      process.stdout.write(`  transaction ${answer.txHash}${call}\n`);
    }
    return 0;
  }
  if (action === 'budget' && digest === undefined) {
    const apiKey = apiKeyOf(values['api-key'], SPONSOR_USAGE);
    const query = values.user === undefined ? undefined : { user: values.user };
    const answer = (await get(base, 'v1/budget', apiKey, query)) as Budget;
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify(answer)}\n`);
      return 0;
    }
    const from = new Date(Number(answer.periodStart) * 1000).toISOString();
    const to = new Date((Number(answer.periodStart) + answer.periodSeconds) * 1000).toISOString();
    process.stdout.write(`period ${from} to ${to}\n`);
    process.stdout.write(useLine('tenant', answer.tenant));
    if (answer.user !== undefined) process.stdout.write(useLine(`user ${answer.user.address}`, answer.user));
    return 0;
  }
  if ((action === 'ledger' || action === 'reconcile') && digest === undefined) {
    const apiKey = apiKeyOf(values['api-key'], SPONSOR_USAGE);
    const read = (path: string) => get(base, path, apiKey);
    return action === 'ledger'
      ? printLedger(read, values.json === true)
      : printReconciliation(read, values.json === true);
  }
  throw new UsageError(`usage: ${SPONSOR_USAGE}`);
}
