/**
 * The treasury keeps the platform's paying accounts (the sponsor accounts, the anchorer's EVM
 * account, the anchorer's Ergo address) above their minimum: a pass reads each balance and refills
 * a low account to 120 % of its minimum from the treasury key of the account's chain, each refill
 * first held against that chain's day cap in PostgreSQL (so a restart cannot lift the cap) and
 * released again if it could not be sent. One engine; each chain is an adapter (TreasuryChain:
 * evm-treasury-chain.ts, ergo-treasury-chain.ts). Balances and minimums (in the chain's coin),
 * refills, failed refills and refills refused by the cap are metrics, for the alerts.
 */
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { refillAmount, treasuryDay } from '@anchorpost/sponsor-core';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';

/** One chain's side of the treasury: a balance, and a payment from its treasury key. */
export interface TreasuryChain {
  /** `evm`, `ergo`: the cap is per chain. */
  readonly chain: string;
  /** The coin's decimals (18 for ETH, 9 for ERG): balances are reported in the coin. */
  readonly decimals: number;
  /** The most its refills may send in a UTC day, in the smallest unit. */
  readonly dailyCap: bigint;
  balance(address: string): Promise<bigint>;
  /** Sends `amount` to `address` and waits until the chain took it; the transaction's id. */
  pay(address: string, amount: bigint): Promise<string>;
}

export interface TreasuryAccount {
  /** For metrics and logs: `sponsor:<tenant|shared>`, `anchorer`, `anchorer:ergo`. */
  readonly name: string;
  readonly address: string;
  /** In the chain's smallest unit (wei, nanoERG). */
  readonly minimum: bigint;
  readonly chain: TreasuryChain;
}

/** Where refills are held against the day's cap (@anchorpost/db's `database.treasuryRefills`). */
export interface TreasuryRefills {
  hold(day: string, chain: string, account: string, amount: bigint, cap: bigint): Promise<string | null>;
  markSent(id: string, txHash: string): Promise<void>;
  release(id: string): Promise<void>;
}

export interface TreasuryOptions {
  readonly accounts: readonly TreasuryAccount[];
  readonly refills: TreasuryRefills;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Unix seconds; for tests. */
  readonly now?: () => bigint;
}

export type RefillOutcome = 'full' | 'refilled' | 'cap-reached' | 'failed';

/** `amount` of the smallest unit in the coin, as a metric's float. */
const inCoin = (amount: bigint, decimals: number): number => Number(amount) / 10 ** decimals;

export class Treasury {
  readonly #options: TreasuryOptions;
  readonly #balance;
  readonly #minimum;
  readonly #refills;
  readonly #failures;
  readonly #capReached;

  constructor(options: TreasuryOptions) {
    this.#options = options;
    const { metrics } = options;
    this.#balance = metrics.gauge(
      SPONSOR_METRICS.treasuryAccountBalance,
      "Balance of an account the treasury keeps funded, in its chain's coin (ETH, ERG), by account",
      ['account'],
    );
    this.#minimum = metrics.gauge(
      SPONSOR_METRICS.treasuryAccountMinimum,
      "The minimum the treasury keeps an account above, in its chain's coin, by account (the balance-low alert compares the balance with it)",
      ['account'],
    );
    this.#refills = metrics.counter(SPONSOR_METRICS.treasuryRefillsTotal, 'Refills sent, by account', [
      'account',
    ]);
    this.#failures = metrics.counter(
      SPONSOR_METRICS.treasuryRefillFailuresTotal,
      'Refills that could not be sent (treasury empty, node down), by account',
      ['account'],
    );
    this.#capReached = metrics.counter(
      SPONSOR_METRICS.treasuryCapReachedTotal,
      "Refills refused because the day's cap would be exceeded, by account",
      ['account'],
    );
  }

  /** One look at every account; what each needed. Never throws for one account's failure. */
  async pass(): Promise<ReadonlyMap<string, RefillOutcome>> {
    const outcomes = new Map<string, RefillOutcome>();
    for (const account of this.#options.accounts) outcomes.set(account.name, await this.#keep(account));
    return outcomes;
  }

  async #keep(account: TreasuryAccount): Promise<RefillOutcome> {
    const { refills, logger } = this.#options;
    const { chain } = account;
    const labels = { account: account.name };
    const coin = (amount: bigint) => inCoin(amount, chain.decimals);
    this.#minimum.set(labels, coin(account.minimum));
    try {
      const balance = await chain.balance(account.address);
      this.#balance.set(labels, coin(balance));
      const amount = refillAmount(balance, account.minimum);
      if (amount === 0n) return 'full';
      const now = this.#options.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
      const held = await refills.hold(treasuryDay(now), chain.chain, account.address, amount, chain.dailyCap);
      if (held === null) {
        this.#capReached.inc(labels);
        logger.warn(
          { ...labels, balance: coin(balance), wanted: coin(amount) },
          "treasury: the day's cap is reached",
        );
        return 'cap-reached';
      }
      try {
        await refills.markSent(held, await chain.pay(account.address, amount));
      } catch (error) {
        await refills.release(held);
        throw error;
      }
      this.#refills.inc(labels);
      this.#balance.set(labels, coin(balance + amount));
      logger.info({ ...labels, amount: coin(amount) }, 'treasury: refilled');
      return 'refilled';
    } catch (error) {
      this.#failures.inc(labels);
      logger.error({ ...labels, err: error }, 'treasury: refill failed');
      return 'failed';
    }
  }
}
