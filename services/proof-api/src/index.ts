/**
 * @anchorpost/proof-api-service — the public proof API: `GET /v1/proofs/{cid}`,
 * `GET /v1/batches/{cid}`, `GET /v1/messages`, `GET /v1/trust-roots` and `/openapi.json`.
 */
export { startProofApiService, PROOF_API_VERSION } from './proof-api-service.ts';
export type { ProofApiServiceOptions } from './proof-api-service.ts';
export { proofApiConfigSchema } from './proof-api-config.ts';
export type { ProofApiServiceConfig } from './proof-api-config.ts';
export { ProofApiError } from './proof-api-error.ts';
export type { ProofApiErrorCode } from './proof-api-error.ts';
export { proofApiRoutes } from './proof-api-routes.ts';
export type { ProofApiRouteDeps } from './proof-api-routes.ts';
export type { PendingProof } from './tx-file-proof.ts';
export { publishedTrustRoots } from './published-trust-roots.ts';
export type { PublishedTrustRoots } from './published-trust-roots.ts';
export { ErgoHead } from './ergo-head.ts';
export type { ErgoHeadOptions } from './ergo-head.ts';
export { EvmHead } from './evm-head.ts';
export type { EvmHeadOptions } from './evm-head.ts';
export { proofApiAdapters, proofApiSettings } from './proof-api-settings.ts';
