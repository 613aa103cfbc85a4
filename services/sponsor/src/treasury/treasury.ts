/**
 * The treasury keeps the platform's paying accounts (the sponsor accounts, the anchorer's EVM
 * account) above their minimum: a pass reads each balance and refills a low account to 120 % of
 * its minimum from the treasury key, each refill first held against the day's cap in PostgreSQL
 * (so a restart cannot lift the cap) and released again if it could not be sent. Balances, refills,
 * failed refills and refills refused by the cap are metrics, for the alerts.
 */
import { sendTransactionAndWait } from '@anchorpost/chains';
import type { JsonRpcPool, TransactionSigner } from '@anchorpost/chains';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { refillAmount, treasuryDay } from '@anchorpost/sponsor-core';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';

export interface TreasuryAccount {
  /** For metrics and logs: `sponsor:<tenant|shared>`, `anchorer`. */
  readonly name: string;
  readonly address: string;
  readonly minimumWei: bigint;
}

/** Where refills are held against the day's cap (@anchorpost/db's `database.treasuryRefills`). */
export interface TreasuryRefills {
  hold(day: string, account: string, amountWei: bigint, capWei: bigint): Promise<string | null>;
  markSent(id: string, txHash: string): Promise<void>;
  release(id: string): Promise<void>;
}

export interface TreasuryOptions {
  readonly rpc: JsonRpcPool;
  readonly signer: TransactionSigner;
  readonly accounts: readonly TreasuryAccount[];
  readonly dailyCapWei: bigint;
  readonly refills: TreasuryRefills;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Unix seconds; for tests. */
  readonly now?: () => bigint;
}

export type RefillOutcome = 'full' | 'refilled' | 'cap-reached' | 'failed';

const eth = (wei: bigint): number => Number(wei / 10n ** 9n) / 1e9;

export class Treasury {
  readonly #options: TreasuryOptions;
  readonly #balance;
  readonly #refills;
  readonly #failures;
  readonly #capReached;

  constructor(options: TreasuryOptions) {
    this.#options = options;
    const { metrics } = options;
    this.#balance = metrics.gauge(
      SPONSOR_METRICS.treasuryAccountBalance,
      'Balance of an account the treasury keeps funded, in ETH, by account',
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
    const { rpc, signer, refills, dailyCapWei, logger } = this.#options;
    const labels = { account: account.name };
    try {
      const balance = BigInt(await rpc.request<string>('eth_getBalance', [account.address, 'latest']));
      this.#balance.set(labels, eth(balance));
      const amount = refillAmount(balance, account.minimumWei);
      if (amount === 0n) return 'full';
      const now = this.#options.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
      const held = await refills.hold(treasuryDay(now), account.address, amount, dailyCapWei);
      if (held === null) {
        this.#capReached.inc(labels);
        logger.warn(
          { ...labels, balance: eth(balance), wanted: eth(amount) },
          "treasury: the day's cap is reached",
        );
        return 'cap-reached';
      }
      try {
        const receipt = await sendTransactionAndWait(rpc, signer, {
          to: account.address,
          data: '0x',
          value: amount,
        });
        await refills.markSent(held, receipt.transactionHash);
      } catch (error) {
        await refills.release(held);
        throw error;
      }
      this.#refills.inc(labels);
      this.#balance.set(labels, eth(balance + amount));
      logger.info({ ...labels, amountEth: eth(amount) }, 'treasury: refilled');
      return 'refilled';
    } catch (error) {
      this.#failures.inc(labels);
      logger.error({ ...labels, err: error }, 'treasury: refill failed');
      return 'failed';
    }
  }
}
