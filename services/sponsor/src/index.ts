/**
 * @anchorpost/sponsor-service — the sponsor as a service: accepted sponsorships sent from the
 * sponsor accounts through the one request engine, with every step in PostgreSQL, and settled on
 * the ledger from their receipts.
 */
export { PostgresSponsorTransactionStore } from './sending/postgres-sponsor-transaction-store.ts';
export type { SponsorTransactionStore } from './sending/postgres-sponsor-transaction-store.ts';
export { SponsorAccountSender } from './sending/sponsor-account-sender.ts';
export type { SendPass, SponsorAccountSenderOptions } from './sending/sponsor-account-sender.ts';
export { SponsorSendLoop } from './sending/sponsor-send-loop.ts';
export { openSponsorSending } from './sending/sponsor-sending.ts';
export type { SponsorAccount, SponsorSending, SponsorSendingOptions } from './sending/sponsor-sending.ts';
