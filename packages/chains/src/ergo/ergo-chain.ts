/**
 * ErgoChain: the AnchorChain port on Ergo, with the marker-token chain of ADR 0012 — the
 * anchoring engine (engine/anchor-engine.ts: persisted requests, transitions, the tick) over the
 * Ergo driver (ergo-driver.ts: the tip, chained transactions, the node's index and mempool).
 */
import { AnchorEngine } from '../engine/anchor-engine.ts';
import type { AnchorEngineSettings } from '../engine/anchor-engine.ts';
import { ErgoChainReader } from './ergo-chain-reader.ts';
import type { ErgoChainReaderOptions } from './ergo-chain-reader.ts';
import { ErgoDriver } from './ergo-driver.ts';
import type { ErgoTick } from './ergo-driver.ts';
import type { ErgoWallet } from './ergo-wallet.ts';

/** The seed's trusted depth for CONFIRMED; rollbacks watched to 30. */
const ERGO_DEFAULTS = { confirmations: 10, finalityDepth: 30 };

export interface ErgoChainOptions extends ErgoChainReaderOptions, AnchorEngineSettings {
  /** Signs anchoring transactions; must hold the marker token (its address guards the anchor box). */
  readonly wallet: ErgoWallet;
  /** Confirmations (the block itself counts) before CONFIRMED. Default 10, the seed's trusted depth. */
  readonly confirmations?: number;
  /** Confirmations before FINALIZED, when rollbacks stop being watched. Default 30 (≥ confirmations). */
  readonly finalityDepth?: number;
  /** Miner's fee per anchoring transaction, nanoERG. Default 1,100,000 (0.0011 ERG, ergo-lib's suggestion). */
  readonly fee?: bigint;
  /** When the anchor box's float is below this, token-free wallet boxes are spent into it. Default 0.05 ERG. */
  readonly topUpBelow?: bigint;
  /** Anchoring transactions in flight at once (a chain of unconfirmed transactions). Default 16. */
  readonly maxInFlight?: number;
}

export class ErgoChain extends AnchorEngine<ErgoTick, ErgoChainReader> {
  readonly wallet: ErgoWallet;

  constructor(options: ErgoChainOptions) {
    const reader = new ErgoChainReader(options);
    super({ ...options, reader, driver: new ErgoDriver({ ...options, reader }), defaults: ERGO_DEFAULTS });
    this.wallet = options.wallet;
  }
}
