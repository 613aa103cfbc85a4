/**
 * AnchorEngine: the AnchorChain port on any chain, given that chain's reader and driver — the
 * RequestEngine (request-engine.ts) for anchor requests, plus the chain's read side.
 *
 * Each request runs through the state machine of anchor-request.ts, one persisted step at a time
 * (tick-run.ts has the steps):
 * - PENDING: ask the chain first: already anchored with our request → adopt (MINED); with another
 *   root or batch → FAILED. Otherwise the driver signs, the engine persists SUBMITTED with the
 *   signed transaction, and only then the driver broadcasts. A transaction the node refuses is
 *   forgotten (PENDING): it is in no mempool.
 * - SUBMITTED: the driver follows it: in a block → MINED; in flight → wait; unknown to the node →
 *   sent again; can never be mined → PENDING; stuck → a replacement, persisted, then sent.
 * - MINED / CONFIRMED: its block must stay canonical; if not, back to SUBMITTED (our transaction
 *   goes out again) or PENDING (an adopted anchor). ≥ `confirmations` → CONFIRMED;
 *   ≥ `finalityDepth` → FINALIZED, no longer watched.
 * The chain itself refuses a second anchor for a sequence (the EVM contract, the single Ergo
 * marker), so whatever happens the batch is on chain once; the engine's job is to get it there
 * and to notice when it is gone. One writer per chain account (the anchorer is a leader-elected
 * singleton); the store's compare-and-swap stops a second writer that slipped through.
 */
import type { AnchorChain } from '../anchor-chain.ts';
import { checkAnchorRequest, newAnchorRecord } from '../anchor-request.ts';
import type { AnchorRecord, AnchorRequest } from '../anchor-request.ts';
import type { AnchorRequestStore } from '../anchor-request-store.ts';
import type { ChainAnchorPage, ChainHead, ChainReader } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { AnchorDriver, DriverTick } from './anchor-driver.ts';
import { atLeast } from './anchor-policy.ts';
import { RequestEngine } from './request-engine.ts';

/** What every chain's AnchorChain takes, whatever the chain. */
export interface AnchorEngineSettings {
  readonly store: AnchorRequestStore;
  /** Confirmations (the block itself counts as one) before CONFIRMED; ≥ 1. */
  readonly confirmations?: number;
  /** Confirmations before FINALIZED, when reorgs stop being watched; ≥ confirmations. */
  readonly finalityDepth?: number;
  /** Requests SUBMITTED at once. Default 16. */
  readonly maxInFlight?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

export interface AnchorEngineOptions<
  Tick extends DriverTick,
  Reader extends ChainReader = ChainReader,
> extends AnchorEngineSettings {
  /** The chain's read side; its `id` keys the requests in the store. */
  readonly reader: Reader;
  readonly driver: AnchorDriver<Tick>;
  /** The chain's defaults; the finality depth is raised to the confirmations when below. */
  readonly defaults: { readonly confirmations: number; readonly finalityDepth: number };
}

export class AnchorEngine<Tick extends DriverTick = DriverTick, Reader extends ChainReader = ChainReader>
  extends RequestEngine<Tick, AnchorRecord>
  implements AnchorChain
{
  /** The chain's read side (keyless), for what the port does not cover. */
  readonly reader: Reader;

  constructor(options: AnchorEngineOptions<Tick, Reader>) {
    const { defaults } = options;
    const confirmations = atLeast(options.confirmations ?? defaults.confirmations, 1, 'confirmations');
    super({
      ...options,
      id: options.reader.id,
      confirmations,
      finalityDepth: options.finalityDepth ?? Math.max(defaults.finalityDepth, confirmations),
      // Our anchor, whoever sent it, is adopted; another root or batch under our sequence fails.
      matchesOnChain: (record, found) => found.root === record.root && found.batchCid === record.batchCid,
    });
    this.reader = options.reader;
  }

  head(): Promise<ChainHead> {
    return this.reader.head();
  }

  confirmations(blockNumber: number, blockHash?: string): Promise<number> {
    return this.reader.confirmations(blockNumber, blockHash);
  }

  readAnchors(fromBlock: number, toBlock: number): AsyncIterable<ChainAnchorPage> {
    return this.reader.readAnchors(fromBlock, toBlock);
  }

  async anchor(request: AnchorRequest): Promise<AnchorRecord> {
    const checked = checkAnchorRequest(request);
    const stored = await this.create(newAnchorRecord(this.id, checked, this.now()));
    if (stored.root !== checked.root || stored.batchCid !== checked.batchCid) {
      throw new ChainError(
        ChainErrorCode.Conflict,
        `sequence ${checked.sequence} is already requested with root ${stored.root} and batch ${stored.batchCid}`,
      );
    }
    return stored;
  }
}
