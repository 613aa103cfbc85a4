/**
 * @anchorpost/sdk — the SDK for Node: everything of `@anchorpost/sdk/browser` (the same modules,
 * not a copy), for fetching and verifying proofs against your trust roots and chain nodes.
 */
export * from './browser.ts';
export { fileCid } from './file-cid.ts';
