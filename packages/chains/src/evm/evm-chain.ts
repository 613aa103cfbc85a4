/**
 * EvmChain: the AnchorChain port on an EVM chain with the AnchorpostAnchor contract — the
 * anchoring engine (engine/anchor-engine.ts: persisted requests, transitions, the tick) over the
 * EVM driver (evm-driver.ts: contract checks, nonces, fees, receipts, replacements).
 */
import { AnchorEngine } from '../engine/anchor-engine.ts';
import type { AnchorEngineSettings } from '../engine/anchor-engine.ts';
import { EvmChainReader } from './evm-chain-reader.ts';
import type { EvmChainReaderOptions } from './evm-chain-reader.ts';
import { EvmDriver } from './evm-driver.ts';
import { AnchorContractBody } from './evm-transaction-body.ts';
import type { EvmTick } from './evm-driver.ts';
import type { TransactionSigner } from './send-transaction.ts';

const EVM_DEFAULTS = { confirmations: 12, finalityDepth: 64 };

export interface EvmChainOptions extends EvmChainReaderOptions, AnchorEngineSettings {
  /** Signs anchor transactions; must be an authorized submitter of the contract. */
  readonly signer: TransactionSigner;
  /** Confirmations (the block itself counts as one) before CONFIRMED. Default 12. */
  readonly confirmations?: number;
  /** Confirmations before FINALIZED, when reorgs stop being watched. Default 64 (≥ confirmations). */
  readonly finalityDepth?: number;
  /** A transaction not mined after this long is replaced with higher fees. Default 3 minutes. */
  readonly replaceAfterMs?: number;
  /** Never offer more than this per gas (wei). Default 500 gwei. */
  readonly maxFeePerGasCap?: bigint;
  /** Tip floor (wei) when the node suggests less. Default 0. */
  readonly minPriorityFeePerGas?: bigint;
  /** Transactions in flight at once (distinct nonces). Default 16. */
  readonly maxInFlight?: number;
}

export class EvmChain extends AnchorEngine<EvmTick, EvmChainReader> {
  constructor(options: EvmChainOptions) {
    const reader = new EvmChainReader(options);
    super({
      ...options,
      reader,
      driver: new EvmDriver({ ...options, reader, body: new AnchorContractBody(reader) }),
      defaults: EVM_DEFAULTS,
    });
  }
}
