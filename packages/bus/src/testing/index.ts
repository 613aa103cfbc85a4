/** The bus contract suite, for adapter test files: `busContract(name, makeBus)`. */
export { busContract } from './contract.ts';
export type { BusContractOptions, BusFixture } from './contract.ts';
