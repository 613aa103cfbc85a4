/** @anchorpost/solidity-codegen — the `codegen` build step of the packages that hold contracts. */
export { compileContracts } from './compile-contracts.ts';
export type { CompileContractsOptions, ContractTarget } from './compile-contracts.ts';
export { runCodegen } from './run-codegen.ts';
export type { CodegenSettings } from './run-codegen.ts';
