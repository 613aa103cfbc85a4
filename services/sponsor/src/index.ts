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
export { sponsorConfigSchema, type SponsorConfig } from './sponsor-config.ts';
export { sponsorAdapters, sponsorSettings } from './sponsor-settings.ts';
export { startSponsorService, type SponsorServiceOptions } from './sponsor-service.ts';
export { treasuryKeysFromSettings, type TreasuryKeys } from './treasury/treasury-keys.ts';
export { treasuryErgoConfigSchema, type TreasuryErgoConfig } from './treasury/treasury-ergo-config.ts';
export { accountElections } from './account-elections.ts';
export { PostgresTenantReads } from './postgres-tenant-reads.ts';
export { readSponsorKeyFile } from './sponsor-key-file.ts';
export {
  parseSponsorPolicies,
  PolicyFileError,
  readSponsorPolicies,
  type SponsorPolicies,
} from './sponsor-policy-file.ts';
export { SponsorshipAnswers, type AcceptedSponsorship, type SponsorshipView } from './sponsorship-answers.ts';
export { loadSponsorProto, SPONSOR_PROTO_FILE, SPONSOR_SERVICE_NAME } from './grpc/sponsor-proto.ts';
export { PostgresSponsorLedger } from './ledger/postgres-sponsor-ledger.ts';
export type { SponsorLedgerRecord, SponsorLedgerWriter } from './ledger/postgres-sponsor-ledger.ts';
export { SPONSOR_LEDGER_HEADER } from './ledger/ledger-anchoring.ts';
export { sponsorLedgerConfigSchema, type SponsorLedgerConfig } from './ledger/sponsor-ledger-config.ts';
export { TenantLedger, type InvoiceRecord, type TenantReconciliation } from './ledger/tenant-ledger.ts';
export type { UnanchoredRecord } from './ledger/proven-records.ts';
export { LedgerProofs, type LedgerProofsOptions, type LineAnchoring } from './ledger/ledger-proofs.ts';
