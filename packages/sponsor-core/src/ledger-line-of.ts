/**
 * The ledger line of a settled sponsorship: what the store holds of it (tenant, user, kind, the
 * transaction sent), the account that paid and the receipt's gas. The target and selector are the
 * user's call's: for a forward request, read back from the forwarder's `execute` call data.
 */
import { getAddress } from 'ethers';
import { forwarderCalls } from './eip712.ts';
import type { LedgerLine } from './ledger-line.ts';
import type { Receipt, SponsorshipRecord } from './sponsorship-store.ts';

function userCall(sponsorship: SponsorshipRecord): { target: string; selector: string } {
  if (sponsorship.kind === 'ballot') {
    return { target: getAddress(sponsorship.to), selector: sponsorship.data.slice(0, 10).toLowerCase() };
  }
  const [request] = forwarderCalls.decodeFunctionData('execute', sponsorship.data) as unknown as [
    { to: string; data: string },
  ];
  return {
    target: getAddress(request.to),
    selector: request.data.length >= 10 ? request.data.slice(0, 10).toLowerCase() : '0x',
  };
}

export function ledgerLineOf(sponsorship: SponsorshipRecord, account: string, receipt: Receipt): LedgerLine {
  return {
    tenant: sponsorship.tenant,
    user: getAddress(sponsorship.user),
    digest: sponsorship.digest.toLowerCase(),
    kind: sponsorship.kind,
    ...userCall(sponsorship),
    account: getAddress(account),
    txHash: receipt.txHash.toLowerCase(),
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
    chargedWei: receipt.gasUsed * receipt.effectiveGasPrice,
    succeeded: receipt.succeeded,
  };
}
