/** Helpers of the Ergo transaction builders (not exported from the package): values, sums, failures. */
import * as ergo from 'ergo-lib-wasm-nodejs';
import { ChainError } from '../chain-error.ts';
import { toBigInt } from './ergo-json.ts';
import { buildFailure } from './ergo-node-errors.ts';
import type { ErgoBoxJson } from './node-types.ts';

/** An ergo-lib box value of `nanoErg`. */
export function value(nanoErg: bigint): ergo.BoxValue {
  return ergo.BoxValue.from_i64(ergo.I64.from_str(nanoErg.toString()));
}

/** The nanoERG the boxes hold together. */
export function sum(boxes: readonly ErgoBoxJson[]): bigint {
  return boxes.reduce((total, box) => total + toBigInt(box.value), 0n);
}

/** An ergo-lib failure building `what`, as the ChainError its message maps to. */
export function rethrow(what: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  throw new ChainError(buildFailure(message), `${what}: ${message}`, { cause: error });
}
