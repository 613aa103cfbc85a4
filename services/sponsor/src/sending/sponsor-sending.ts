/**
 * The sponsor's sending side: one SponsorTransactionEngine per sponsor account (a tenant's own
 * account, so its cost is an on-chain fact and its queue is its own, or the shared account for
 * every tenant without one), each ticked by its own loop under its own leader election (one
 * writer per account, ADR 0013). A key signs only while its account's term lasts: a replica that
 * lost the lease mid-pass cannot sign, and the refusal ends the pass before anything is stored.
 */
import { ChainError, ChainErrorCode } from '@anchorpost/chains';
import type { TransactionSigner } from '@anchorpost/chains';
import { leaderTerms } from '@anchorpost/leader-election';
import type { ElectionFactory, LeaderTerms } from '@anchorpost/leader-election';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { SponsorTransactionEngine } from '@anchorpost/sponsor-contracts';
import type { SponsorshipStore } from '@anchorpost/sponsor-core';
import type { SponsorLedgerWriter } from '../ledger/postgres-sponsor-ledger.ts';
import type { SponsorTransactionStore } from './postgres-sponsor-transaction-store.ts';
import { SponsorAccountSender } from './sponsor-account-sender.ts';
import { SponsorSendLoop } from './sponsor-send-loop.ts';

export interface SponsorAccount {
  /** The tenant this account pays for alone; undefined for the shared account. */
  readonly tenant?: string;
  readonly signer: TransactionSigner;
}

export interface SponsorSendingOptions {
  readonly rpcUrls: readonly string[];
  readonly chainId: number;
  readonly forwarder: string;
  /** At most one shared account (no tenant); tenants without an account of their own use it. */
  readonly accounts: readonly SponsorAccount[];
  readonly transactions: SponsorTransactionStore;
  readonly sponsorships: SponsorshipStore;
  readonly confirmations: number;
  readonly finalityDepth: number;
  readonly replaceAfterMs: number;
  readonly sendMarginSeconds: number;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  /** The election of one account's writer (its lease named after the account); undefined: always lead. */
  readonly electionFor: (account: string) => ElectionFactory | undefined;
  /** Where settled sponsorships' lines are recorded; none: no lines. */
  readonly ledger?: SponsorLedgerWriter;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Unix seconds; for tests. */
  readonly now?: () => bigint;
}

export interface SponsorSending {
  /** The engines by account id (`evm:<chainId>:<account>`), to read a transaction's state. */
  readonly engines: ReadonlyMap<string, SponsorTransactionEngine>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function whileLeading(signer: TransactionSigner, leads: () => boolean): TransactionSigner {
  return {
    getAddress: () => signer.getAddress(),
    signTransaction: (transaction) =>
      leads()
        ? signer.signTransaction(transaction)
        : Promise.reject(
            new ChainError(
              ChainErrorCode.Unavailable,
              'not the leader of this sponsor account: signs nothing',
            ),
          ),
  };
}

export async function openSponsorSending(options: SponsorSendingOptions): Promise<SponsorSending> {
  const shared = options.accounts.filter((account) => account.tenant === undefined);
  if (shared.length > 1) throw new Error('at most one shared sponsor account');
  const ownTenants = options.accounts.flatMap((account) =>
    account.tenant === undefined ? [] : [account.tenant],
  );
  if (new Set(ownTenants).size !== ownTenants.length) throw new Error('one sponsor account per tenant');
  const now = options.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
  const engines = new Map<string, SponsorTransactionEngine>();
  const terms: LeaderTerms[] = [];
  for (const account of options.accounts) {
    const leading: { terms?: LeaderTerms } = {};
    const engine = await SponsorTransactionEngine.open({
      rpcUrls: options.rpcUrls,
      chainId: options.chainId,
      forwarder: options.forwarder,
      signer: whileLeading(account.signer, () => leading.terms?.isLeader === true),
      store: options.transactions,
      confirmations: options.confirmations,
      finalityDepth: options.finalityDepth,
      replaceAfterMs: options.replaceAfterMs,
    });
    engines.set(engine.id, engine);
    const sender = new SponsorAccountSender({
      engine,
      transactions: options.transactions,
      sponsorships: options.sponsorships,
      tenants: account.tenant === undefined ? { except: ownTenants } : { only: [account.tenant] },
      sendMarginSeconds: options.sendMarginSeconds,
      batch: 16,
      now,
      ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
    });
    let loop: SponsorSendLoop | undefined;
    leading.terms = leaderTerms({
      election: options.electionFor(engine.id.split(':').at(-1)!),
      work: `sends for sponsor account ${engine.id}`,
      metrics: options.metrics,
      logger: options.logger.child({ account: engine.id }),
      retryMs: options.maxBackoffMs,
      begin: () => {
        loop = new SponsorSendLoop({
          sender,
          intervalMs: options.intervalMs,
          maxBackoffMs: options.maxBackoffMs,
          logger: options.logger,
          metrics: options.metrics,
        });
        loop.start();
        return Promise.resolve();
      },
      end: async () => {
        const ending = loop;
        loop = undefined;
        await ending?.close();
      },
    });
    terms.push(leading.terms);
  }
  return {
    engines,
    start: async () => {
      for (const term of terms) await term.start();
    },
    close: async () => {
      await Promise.all(terms.map((term) => term.close()));
    },
  };
}
