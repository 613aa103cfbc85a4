/**
 * The SponsorChain port: what the sponsor asks the chain before it accepts a sponsorship. Every
 * answer is a fact about the chain now; none of them sends anything. An adapter over JSON-RPC is
 * @anchorpost/sponsor-contracts' RpcSponsorChain. A failure to reach the chain is thrown (and
 * becomes CHAIN_UNAVAILABLE); a refusal by the chain is an answer.
 */
import type { ForwardRequestData, SponsorTransaction } from './sponsorship-request.ts';

export type ChainVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface SponsorChain {
  /** The forwarder's own `verify(request)`: signature, unused nonce, deadline, target trusts it. */
  verifyForwardRequest(forwarder: string, request: ForwardRequestData): Promise<boolean>;
  /** `eth_call` of the transaction from the sponsor account at the latest block. */
  call(from: string, transaction: SponsorTransaction): Promise<ChainVerdict>;
  /** `eth_estimateGas` of the transaction from the sponsor account. */
  estimateGas(
    from: string,
    transaction: SponsorTransaction,
  ): Promise<{ readonly ok: true; readonly gas: bigint } | { readonly ok: false; readonly reason: string }>;
  /** The fee cap a transaction sent now would carry: what a reservation multiplies the gas by. */
  maxFeePerGas(): Promise<bigint>;
}
