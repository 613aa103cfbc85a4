/**
 * EIP-1559 fees for anchor transactions: the first offer, and the bump for a replacement. A node
 * accepts a replacement (same nonce) only if both fee fields rise by at least 10% (geth); we
 * raise by at least 12.5%, the factor by which the base fee itself can grow per block.
 */

export interface Eip1559Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/** What the network asks for now: the latest base fee and a suggested tip. */
export interface NetworkFees {
  readonly baseFeePerGas: bigint;
  readonly priorityFeePerGas: bigint;
}

const BUMP_NUMERATOR = 9n; // 9/8 = +12.5%
const BUMP_DENOMINATOR = 8n;

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Room for the base fee to double before the transaction stops being includable. */
export function initialFees(network: NetworkFees, maxFeePerGasCap: bigint): Eip1559Fees {
  const maxFeePerGas = min(network.baseFeePerGas * 2n + network.priorityFeePerGas, maxFeePerGasCap);
  return { maxFeePerGas, maxPriorityFeePerGas: min(network.priorityFeePerGas, maxFeePerGas) };
}

/** The least a replacement of `previous` must offer. */
export function minimumReplacementFees(previous: Eip1559Fees): Eip1559Fees {
  return {
    maxFeePerGas: ceilDiv(previous.maxFeePerGas * BUMP_NUMERATOR, BUMP_DENOMINATOR),
    maxPriorityFeePerGas: ceilDiv(previous.maxPriorityFeePerGas * BUMP_NUMERATOR, BUMP_DENOMINATOR),
  };
}

/**
 * Fees for a replacement: at least +12.5% on both fields, and at least what a fresh transaction
 * would offer now; undefined when that would exceed the cap (then the adapter keeps waiting).
 */
export function bumpedFees(
  previous: Eip1559Fees,
  network: NetworkFees,
  maxFeePerGasCap: bigint,
): Eip1559Fees | undefined {
  const least = minimumReplacementFees(previous);
  const fresh = initialFees(network, maxFeePerGasCap);
  const wantedTip = max(least.maxPriorityFeePerGas, network.priorityFeePerGas);
  const maxFeePerGas = min(
    max(max(least.maxFeePerGas, fresh.maxFeePerGas), network.baseFeePerGas * 2n + wantedTip),
    maxFeePerGasCap,
  );
  const maxPriorityFeePerGas = min(wantedTip, maxFeePerGas);
  if (maxFeePerGas < least.maxFeePerGas || maxPriorityFeePerGas < least.maxPriorityFeePerGas)
    return undefined;
  return { maxFeePerGas, maxPriorityFeePerGas };
}
