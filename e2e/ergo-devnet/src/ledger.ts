/**
 * The chain of the Ergo node TEST DOUBLE: blocks made on demand, a mempool, the UTXO set and the
 * node's extra index, all in memory, rebuilt from the blocks after every change (a rollback is just
 * fewer blocks). With a journal (chain-journal.ts) the blocks are also written to disk as they are
 * made, and a ledger made from the journal's chain has them again (the pool starts empty). Every transaction — submitted ones and the faucet's — is checked with ergo-lib the
 * way the node checks it, and again when a block takes it.
 *
 * Modelled on the reference node (ergoplatform/ergo v6.0.x): `ErgoMemPool.process` (already pooled,
 * min fee, double spend), `UtxoState.withMempool` (pool outputs spendable, pool-spent boxes still
 * served), `UpcomingStateContext` (the next block's pre-header) and the `ExtraIndexer`.
 */
import { randomBytes } from 'node:crypto';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { buildHeader, GROUP_GENERATOR } from './block-header.ts';
import type { ChainJournal, RestoredChain } from './chain-journal.ts';
import type { HeaderJson } from './block-header.ts';
import {
  parseLossless,
  parseRaw,
  rawField,
  rawItems,
  rawText,
  rawValue,
  stringifyLossless,
  toBigInt,
} from './node-json.ts';
import type { RawJson } from './node-json.ts';

/** What `/info` reports; a devnet's addresses carry the testnet prefix, as a real devnet node's do. */
export type DevnetNetwork = 'mainnet' | 'testnet' | 'devnet';

/** A box in the node's JSON. Amounts above 2^53 are bigints (written back as bare numbers). */
export interface BoxJson {
  readonly boxId: string;
  readonly value: number | bigint;
  readonly ergoTree: string;
  readonly assets: readonly { readonly tokenId: string; readonly amount: number | bigint }[];
  readonly creationHeight: number;
  readonly additionalRegisters: Readonly<Record<string, string>>;
  readonly transactionId: string;
  readonly index: number;
}

export interface PooledInput {
  readonly boxId: string;
  /** `{proofBytes, extension}` exactly as signed (the extension's key order is part of the id). */
  readonly spendingProof: RawJson;
  readonly proofBytes: string;
}

/** A transaction the double accepted: what it serves and what it needs to check it again. */
export interface TxEntry {
  readonly id: string;
  readonly inputs: readonly PooledInput[];
  readonly dataInputs: readonly string[];
  readonly outputs: readonly BoxJson[];
  readonly size: number;
  readonly fee: bigint;
  /** ergo-lib's JSON of it, parsed again to re-validate when a block takes it. */
  readonly libJson: string;
}

export interface Block {
  readonly header: HeaderJson;
  readonly txs: readonly TxEntry[];
}

/** A box of the extra index. */
export interface IndexedBox {
  readonly box: BoxJson;
  readonly inclusionHeight: number;
  readonly globalIndex: number;
  spentBy: { readonly txId: string; readonly proof: RawJson } | undefined;
}

export interface IndexedTx {
  readonly entry: TxEntry;
  readonly header: HeaderJson;
  readonly index: number;
  readonly globalIndex: number;
}

export interface IndexedToken {
  readonly id: string;
  readonly boxId: string;
  emissionAmount: bigint;
  readonly name: string;
  readonly description: string;
  readonly decimals: number;
}

/** The extra index over the blocks it has reached (it may trail the chain, see `indexerLag`). */
export interface ExtraIndex {
  readonly indexedHeight: number;
  readonly boxes: ReadonlyMap<string, IndexedBox>;
  readonly txs: ReadonlyMap<string, IndexedTx>;
  /** Per token id, every box that held it, oldest first; only tokens minted within the index. */
  readonly byToken: ReadonlyMap<string, readonly IndexedBox[]>;
  readonly tokens: ReadonlyMap<string, IndexedToken>;
  /** Per ErgoTree hex, every box it guarded, oldest first. */
  readonly byTree: ReadonlyMap<string, readonly IndexedBox[]>;
}

export interface LedgerOptions {
  readonly network: DevnetNetwork;
  readonly now: () => number;
  readonly startHeight: number;
  /** The node's `minimalFeeAmount` (nanoERG paid to the fee contract). Default 1,000,000. */
  readonly minFee: bigint;
  /** Blocks the extra index trails the chain by (a real node's indexer catches up asynchronously). */
  readonly indexerLag: number;
  /** One record per transaction accepted or refused, fund and rollback. */
  readonly log?: ((event: Record<string, unknown>) => void) | undefined;
  /** Where each block mined and each rollback is written, to be restarted from. */
  readonly journal?: ChainJournal | undefined;
}

/** A refusal in the node's terms: HTTP status, reason and detail. */
export class NodeError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, detail: string) {
    super(detail);
    this.status = status;
    this.reason = reason;
  }
}

export const badRequest = (detail: string): NodeError => new NodeError(400, 'bad.request', detail);

/** The miners' fee contract (`feeProposition`, reward delay 720): what the min-fee rule sums. */
export const FEE_ERGO_TREE =
  '1005040004000e36100204a00b08cd0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798ea02d192a39a8cc7a701730073011001020402d19683030193a38cc7b2a57300000193c2b2a57301007473027303830108cdeeac93b1a57304';
const ZERO_ID = '0'.repeat(64);
/** The faucet's genesis box: 1e9 ERG. */
const FAUCET_VALUE = 1_000_000_000_000_000_000n;
const FAUCET_FEE = 1_100_000n;

/** The parameters `/info` reports: those of mainnet today (what `validate_tx` uses is ergo-lib's genesis set). */
export const NODE_PARAMETERS = {
  outputCost: 214,
  tokenAccessCost: 100,
  maxBlockCost: 8_001_091,
  height: 0,
  maxBlockSize: 1_271_009,
  dataInputCost: 100,
  blockVersion: 2,
  inputCost: 2407,
  storageFeeFactor: 1_250_000,
  minValuePerByte: 360,
};

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class DevnetLedger {
  readonly network: DevnetNetwork;
  readonly launchTime: number;
  readonly #options: LedgerOptions;
  readonly #blocks: Block[] = [];
  #mempool: TxEntry[] = [];
  /** Boxes that exist before block one (the real node's genesis state): the faucet's. */
  readonly #genesis: BoxJson[];
  readonly #faucet: { readonly wallet: ergo.Wallet; readonly address: ergo.Address; readonly tree: string };
  // Derived from the blocks by #reindex():
  #utxo = new Map<string, BoxJson>();
  #confirmed = new Map<string, { readonly height: number; readonly spent: readonly string[] }>();
  #spentOnChain = new Map<string, string>();
  #index: ExtraIndex = emptyIndex(0);
  /** Blocks ever made: the nonce of each header, so that a replacing block never reuses an id. */
  #made = 0;

  /** A new chain, or, with `restored`, the chain a journal kept (its blocks checked again as they are read). */
  constructor(options: LedgerOptions, restored?: RestoredChain) {
    this.#options = options;
    this.network = options.network;
    this.launchTime = restored?.launchTime ?? options.now();
    const secretBytes = restored?.faucetSecret ?? randomBytes(32);
    const secret = ergo.SecretKey.dlog_from_bytes(secretBytes);
    const secrets = new ergo.SecretKeys();
    secrets.add(secret);
    const address = secret.get_address();
    const tree = address.to_ergo_tree().to_base16_bytes();
    this.#faucet = { wallet: ergo.Wallet.from_secrets(secrets), address, tree };
    const genesisBox = new ergo.ErgoBox(
      boxValue(FAUCET_VALUE),
      Math.max(0, options.startHeight - 1),
      ergo.Contract.new(address.to_ergo_tree()),
      ergo.TxId.from_str(ZERO_ID),
      0,
      new ergo.Tokens(),
    );
    this.#genesis = [boxFromLib(genesisBox)];
    if (restored === undefined) {
      const identity = { network: options.network, startHeight: options.startHeight };
      options.journal?.begin(identity, secretBytes, this.launchTime);
    } else {
      for (const block of restored.blocks) {
        this.#blocks.push({ header: block.header, txs: block.txs.map((json) => entryOf(parseTx(json))) });
      }
      this.#made = restored.made;
    }
    this.#reindex();
  }

  // ---- reads ----

  get height(): number {
    return this.#blocks.at(-1)?.header.height ?? this.#options.startHeight - 1;
  }

  get blocks(): readonly Block[] {
    return this.#blocks;
  }

  get tip(): Block | undefined {
    return this.#blocks.at(-1);
  }

  get pool(): readonly TxEntry[] {
    return this.#mempool;
  }

  get index(): ExtraIndex {
    return this.#index;
  }

  get genesisBoxes(): readonly BoxJson[] {
    return this.#genesis;
  }

  get faucetAddress(): string {
    return this.#faucet.address.to_base58(this.#prefix());
  }

  get minFee(): bigint {
    return this.#options.minFee;
  }

  now(): number {
    return this.#options.now();
  }

  blockAt(height: number): Block | undefined {
    const first = this.#blocks[0]?.header.height ?? 0;
    return this.#blocks[height - first];
  }

  blockById(id: string): Block | undefined {
    return this.#blocks.find((block) => block.header.id === id);
  }

  /** A box of the confirmed UTXO set. */
  unspent(boxId: string): BoxJson | undefined {
    return this.#utxo.get(boxId);
  }

  /**
   * A box as `UtxoState.withMempool` sees it: confirmed and unspent on chain, or created by a pool
   * transaction — whether or not another pool transaction already spends it (the node's answer).
   */
  withPool(boxId: string): BoxJson | undefined {
    return this.#utxo.get(boxId) ?? this.#poolOutputs().get(boxId);
  }

  /** Boxes spent by pool transactions, by the spending transaction's id. */
  spentInPool(): Map<string, string> {
    const spent = new Map<string, string>();
    for (const tx of this.#mempool) for (const input of tx.inputs) spent.set(input.boxId, tx.id);
    return spent;
  }

  addressOf(ergoTree: string): string {
    return addressOf(ergoTree, this.#prefix());
  }

  // ---- transactions ----

  /**
   * Checks a signed transaction (node JSON) as `POST /transactions` does and, unless `checkOnly`,
   * pools it. Answers its id; throws NodeError 400 with the node's wording otherwise.
   */
  submit(text: string, checkOnly = false): string {
    if (checkOnly) return this.#submit(text, true);
    try {
      const id = this.#submit(text, false);
      this.#options.log?.({ event: 'transaction accepted', id, pool: this.#mempool.length });
      return id;
    } catch (error) {
      this.#options.log?.({ event: 'transaction refused', detail: message(error) });
      throw error;
    }
  }

  #submit(text: string, checkOnly: boolean): string {
    let tx: ergo.Transaction;
    try {
      tx = ergo.Transaction.from_json(text);
    } catch (error) {
      throw badRequest(`Malformed transaction: ${message(error)}`);
    }
    const id = tx.id().to_str();
    const entry = entryOf(tx);
    if (!checkOnly && this.#mempool.some((pooled) => pooled.id === id))
      throw badRequest(`Pool can not accept transaction ${id}, it is already in the mempool`);
    this.#verify(entry, tx);
    // `/transactions/check` stops here: the pool's own rules below are not part of validation.
    if (checkOnly) return id;
    if (entry.fee < this.#options.minFee) {
      throw badRequest(
        `Min fee not met: ${ergs(this.#options.minFee)} ergs required, ${ergs(entry.fee)} ergs given`,
      );
    }
    const spent = this.spentInPool();
    const conflict = entry.inputs.find((input) => spent.has(input.boxId));
    if (conflict !== undefined) {
      // The node would let a higher fee per byte replace the pool's transaction; the double never does.
      throw badRequest(
        `Double spending attempt: input ${conflict.boxId} is already spent by pool transaction ${spent.get(conflict.boxId)!}`,
      );
    }
    this.#mempool.push(entry);
    return id;
  }

  /** The checks of `utxo.withMempool(pool).validateWithCost` against the upcoming block's context. */
  #verify(entry: TxEntry, tx: ergo.Transaction): void {
    const seen = new Set<string>();
    const inputs: BoxJson[] = [];
    for (const { boxId } of entry.inputs) {
      if (seen.has(boxId)) throw badRequest(`Malformed transaction: input ${boxId} is spent twice`);
      seen.add(boxId);
      const box = this.withPool(boxId);
      if (box === undefined) throw badRequest(`Malformed transaction: ${this.#missing('Input', boxId)}`);
      inputs.push(box);
    }
    const dataBoxes: BoxJson[] = [];
    for (const boxId of entry.dataInputs) {
      const box = this.withPool(boxId);
      if (box === undefined) throw badRequest(`Malformed transaction: ${this.#missing('Data input', boxId)}`);
      dataBoxes.push(box);
    }
    const next = this.height + 1;
    for (const output of entry.outputs) {
      if (output.creationHeight > next) {
        throw badRequest(
          `Malformed transaction: output ${output.boxId} has creationHeight ${output.creationHeight} above the next block's height ${next}`,
        );
      }
    }
    try {
      ergo.validate_tx(tx, this.#upcomingContext(), libBoxes(inputs), libBoxes(dataBoxes));
    } catch (error) {
      throw badRequest(`Malformed transaction: ${message(error)}`);
    }
  }

  #missing(what: string, boxId: string): string {
    const spender = this.#spentOnChain.get(boxId);
    if (spender !== undefined) {
      const height = this.#confirmed.get(spender)?.height ?? 0;
      return `${what} box ${boxId} is not in the UTXO set: spent by transaction ${spender} at height ${height}`;
    }
    return `${what} box ${boxId} not found in the UTXO set or the mempool`;
  }

  /**
   * The context of the next block as the node builds it (`simplifiedUpcoming`): the last ten headers,
   * newest first, and a pre-header one above the tip, one millisecond after it, mined by the group
   * generator. `timestamp` overrides the time (the block being mined).
   */
  #upcomingContext(timestamp?: number): ergo.ErgoStateContext {
    const tip = this.#blocks.at(-1);
    const upcoming = buildHeader({
      parentId: tip?.header.id ?? ZERO_ID,
      height: this.height + 1,
      timestamp: timestamp ?? (tip?.header.timestamp ?? this.#options.now()) + 1,
      transactions: [],
      nonce: 0,
    });
    const last = this.#blocks.slice(-10).reverse();
    const headers = ergo.BlockHeaders.from_json(last.map((block) => block.header));
    return new ergo.ErgoStateContext(
      ergo.PreHeader.from_block_header(ergo.BlockHeader.from_json(JSON.stringify(upcoming))),
      headers,
      ergo.Parameters.default_parameters(),
    );
  }

  // ---- blocks ----

  /**
   * Mines `count` blocks. Each takes the pool's transactions in order that are valid on top of it
   * (a transaction waits while an input is still missing or its outputs' creation height is above
   * the block); a transaction that no longer validates is dropped, as the node invalidates it.
   */
  mine(count = 1): string[] {
    if (!Number.isSafeInteger(count) || count < 0 || count > 10_000)
      throw badRequest(`cannot mine ${count} blocks`);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(this.#mineOne());
    return ids;
  }

  #mineOne(): string {
    const tip = this.#blocks.at(-1);
    const height = this.height + 1;
    const timestamp = Math.max(this.#options.now(), (tip?.header.timestamp ?? 0) + 1);
    const available = new Map(this.#utxo);
    const taken: TxEntry[] = [];
    const waiting: TxEntry[] = [];
    for (const entry of this.#mempool) {
      const inputs = entry.inputs.map((input) => available.get(input.boxId));
      const dataBoxes = entry.dataInputs.map((boxId) => available.get(boxId));
      const ready =
        inputs.every((box) => box !== undefined) &&
        dataBoxes.every((box) => box !== undefined) &&
        entry.outputs.every((box) => box.creationHeight <= height);
      if (!ready) {
        waiting.push(entry);
        continue;
      }
      try {
        ergo.validate_tx(
          ergo.Transaction.from_json(entry.libJson),
          this.#upcomingContext(timestamp),
          libBoxes(inputs),
          libBoxes(dataBoxes),
        );
      } catch {
        continue; // invalid now: dropped
      }
      for (const input of entry.inputs) available.delete(input.boxId);
      for (const box of entry.outputs) available.set(box.boxId, box);
      taken.push(entry);
    }
    const header = buildHeader({
      parentId: tip?.header.id ?? ZERO_ID,
      height,
      timestamp,
      transactions: taken.map((tx) => ({ id: tx.id, proofs: tx.inputs.map((input) => input.proofBytes) })),
      nonce: this.#made++,
    });
    this.#blocks.push({ header, txs: taken });
    this.#options.journal?.blockMined({ header, txs: taken.map((tx) => tx.libJson) });
    this.#reindex();
    this.#mempool = this.#stillValid(waiting);
    return header.id;
  }

  /**
   * Removes the newest `count` blocks (never the first). Their transactions go back to the pool
   * ahead of the pool's own, as a node does, unless `dropTransactions`: then they are gone, and so is
   * every pool transaction that spent their outputs.
   */
  rollback(count: number, options: { readonly dropTransactions?: boolean } = {}): void {
    if (!Number.isSafeInteger(count) || count < 1 || count > this.#blocks.length - 1) {
      throw badRequest(`cannot roll back ${count} of ${this.#blocks.length} blocks (the first one stays)`);
    }
    const removed = this.#blocks.splice(this.#blocks.length - count, count);
    this.#options.journal?.rolledBack(count);
    const returned = options.dropTransactions === true ? [] : removed.flatMap((block) => block.txs);
    this.#reindex();
    this.#mempool = this.#stillValid([...returned, ...this.#mempool]);
    this.#options.log?.({
      event: 'rollback',
      blocks: count,
      dropTransactions: options.dropTransactions === true,
      height: this.height,
      pool: this.#mempool.length,
    });
  }

  /** Pool transactions, in order, whose inputs still exist on the chain or earlier in the pool. */
  #stillValid(candidates: readonly TxEntry[]): TxEntry[] {
    const available = new Map(this.#utxo);
    const kept: TxEntry[] = [];
    for (const entry of candidates) {
      if (this.#confirmed.has(entry.id)) continue;
      const ok =
        entry.inputs.every((input) => available.has(input.boxId)) &&
        entry.dataInputs.every((boxId) => available.has(boxId));
      if (!ok) continue;
      for (const input of entry.inputs) available.delete(input.boxId);
      for (const box of entry.outputs) available.set(box.boxId, box);
      kept.push(entry);
    }
    return kept;
  }

  /**
   * Test-double power: `value` nanoERG for `address`, paid by the faucet (a genesis box of 1e9 ERG)
   * in a real signed transaction that goes through the same checks as any other, then mined in a
   * new block with whatever else the pool holds. Answers the new box.
   */
  fund(address: string, value: bigint): BoxJson {
    let recipient: ergo.Address;
    try {
      recipient =
        this.network === 'mainnet'
          ? ergo.Address.from_mainnet_str(address)
          : ergo.Address.from_testnet_str(address);
    } catch (error) {
      throw badRequest(`not a ${this.network} address: ${address} (${message(error)})`);
    }
    if (value <= 0n) throw badRequest(`cannot fund ${value} nanoERG`);
    const spent = this.spentInPool();
    const faucetBox = [...this.#utxo.values(), ...this.#poolOutputs().values()].find(
      (box) => box.ergoTree === this.#faucet.tree && !spent.has(box.boxId),
    );
    if (faucetBox === undefined) throw new NodeError(500, 'internal.error', 'the faucet has no box');
    let json: string;
    try {
      const inputs = libBoxes([faucetBox]);
      const candidate = new ergo.ErgoBoxCandidateBuilder(
        boxValue(value),
        ergo.Contract.pay_to_address(recipient),
        this.height,
      ).build();
      const unsigned = ergo.TxBuilder.new(
        new ergo.SimpleBoxSelector().select(inputs, boxValue(value + FAUCET_FEE), new ergo.Tokens()),
        new ergo.ErgoBoxCandidates(candidate),
        this.height,
        boxValue(FAUCET_FEE),
        this.#faucet.address,
      ).build();
      json = this.#faucet.wallet
        .sign_transaction(this.#upcomingContext(), unsigned, inputs, ergo.ErgoBoxes.empty())
        .to_json();
    } catch (error) {
      throw badRequest(`cannot fund ${value} nanoERG: ${message(error)}`);
    }
    this.submit(json);
    this.mine(1);
    const boxId = outputIdOf(json, 0);
    this.#options.log?.({ event: 'fund', address, value: value.toString(), boxId, height: this.height });
    return this.#utxo.get(boxId) ?? this.withPool(boxId)!;
  }

  #poolOutputs(): Map<string, BoxJson> {
    const out = new Map<string, BoxJson>();
    for (const tx of this.#mempool) for (const box of tx.outputs) out.set(box.boxId, box);
    return out;
  }

  #prefix(): ergo.NetworkPrefix {
    return this.network === 'mainnet' ? ergo.NetworkPrefix.Mainnet : ergo.NetworkPrefix.Testnet;
  }

  // ---- state and index ----

  #reindex(): void {
    const utxo = new Map<string, BoxJson>(this.#genesis.map((box) => [box.boxId, box]));
    const confirmed = new Map<string, { height: number; spent: string[] }>();
    const spentOnChain = new Map<string, string>();
    for (const block of this.#blocks) {
      for (const tx of block.txs) {
        const spent = tx.inputs.map((input) => input.boxId);
        confirmed.set(tx.id, { height: block.header.height, spent });
        for (const boxId of spent) {
          utxo.delete(boxId);
          spentOnChain.set(boxId, tx.id);
        }
        for (const box of tx.outputs) utxo.set(box.boxId, box);
      }
    }
    this.#utxo = utxo;
    this.#confirmed = confirmed;
    this.#spentOnChain = spentOnChain;
    const indexed = Math.max(0, this.#blocks.length - this.#options.indexerLag);
    this.#index = buildIndex(this.#blocks.slice(0, indexed), this.#blocks[0]?.header.height ?? 0);
  }
}

/** The extra index over `blocks`, as the ExtraIndexer builds it (genesis boxes are not indexed). */
function buildIndex(blocks: readonly Block[], firstHeight: number): ExtraIndex {
  const boxes = new Map<string, IndexedBox>();
  const txs = new Map<string, IndexedTx>();
  const byToken = new Map<string, IndexedBox[]>();
  const tokens = new Map<string, IndexedToken>();
  const byTree = new Map<string, IndexedBox[]>();
  const push = <K>(map: Map<K, IndexedBox[]>, key: K, box: IndexedBox) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [box]);
    else list.push(box);
  };
  let globalBox = 0;
  let globalTx = 0;
  for (const block of blocks) {
    block.txs.forEach((entry, index) => {
      const inputTokens = new Set<string>();
      for (const input of entry.inputs) {
        const spent = boxes.get(input.boxId);
        if (spent === undefined) continue;
        spent.spentBy = { txId: entry.id, proof: input.spendingProof };
        for (const asset of spent.box.assets) inputTokens.add(asset.tokenId);
      }
      const firstInput = entry.inputs[0]?.boxId;
      for (const box of entry.outputs) {
        const indexedBox: IndexedBox = {
          box,
          inclusionHeight: block.header.height,
          globalIndex: globalBox++,
          spentBy: undefined,
        };
        boxes.set(box.boxId, indexedBox);
        push(byTree, box.ergoTree, indexedBox);
        for (const asset of box.assets) {
          if (asset.tokenId === firstInput && !inputTokens.has(asset.tokenId)) {
            const known = tokens.get(asset.tokenId);
            if (known === undefined)
              tokens.set(asset.tokenId, tokenOf(box, asset.tokenId, toBigInt(asset.amount)));
            else known.emissionAmount += toBigInt(asset.amount);
          }
          push(byToken, asset.tokenId, indexedBox);
        }
      }
      txs.set(entry.id, { entry, header: block.header, index, globalIndex: globalTx++ });
    });
  }
  // Only minted tokens have an index entry; the node answers nothing for the others.
  for (const tokenId of byToken.keys()) if (!tokens.has(tokenId)) byToken.delete(tokenId);
  const indexedHeight = blocks.at(-1)?.header.height ?? firstHeight - 1;
  return { indexedHeight, boxes, txs, byToken, tokens, byTree };
}

function emptyIndex(height: number): ExtraIndex {
  return {
    indexedHeight: height,
    boxes: new Map(),
    txs: new Map(),
    byToken: new Map(),
    tokens: new Map(),
    byTree: new Map(),
  };
}

/** EIP-4 as the indexer reads it: R4 name, R5 description (UTF-8 Coll[Byte]), R6 decimals (digits or an Int). */
function tokenOf(box: BoxJson, tokenId: string, amount: bigint): IndexedToken {
  const bytes = (register: string): Uint8Array | undefined => {
    const hex = box.additionalRegisters[register];
    if (hex === undefined) return undefined;
    try {
      return ergo.Constant.decode_from_base16(hex).to_byte_array();
    } catch {
      return undefined;
    }
  };
  const text = (register: string): string => {
    const value = bytes(register);
    return value === undefined ? '' : new TextDecoder().decode(value);
  };
  let decimals = 0;
  const digits = text('R6');
  if (/^[+-]?\d+$/.test(digits) && Math.abs(Number(digits)) <= 2 ** 31 - 1) decimals = Number(digits);
  else if (box.additionalRegisters.R6 !== undefined) {
    try {
      decimals = ergo.Constant.decode_from_base16(box.additionalRegisters.R6).to_i32();
    } catch {
      decimals = 0;
    }
  }
  return {
    id: tokenId,
    boxId: box.boxId,
    emissionAmount: amount,
    name: text('R4'),
    description: text('R5'),
    decimals,
  };
}

function parseTx(json: string): ergo.Transaction {
  return ergo.Transaction.from_json(json);
}

function entryOf(tx: ergo.Transaction): TxEntry {
  const libJson = tx.to_json();
  const raw = parseRaw(libJson);
  const inputs = rawItems(rawField(raw, 'inputs')).map((input): PooledInput => {
    const spendingProof = rawField(input, 'spendingProof') ?? parseRaw('{"proofBytes":"","extension":{}}');
    return {
      boxId: rawValue(rawField(input, 'boxId')) as string,
      spendingProof: parseRaw(rawText(spendingProof)),
      proofBytes: (rawValue(rawField(spendingProof, 'proofBytes')) as string | undefined) ?? '',
    };
  });
  const dataInputs = rawItems(rawField(raw, 'dataInputs')).map(
    (input) => rawValue(rawField(input, 'boxId')) as string,
  );
  const list = tx.outputs();
  const outputs: BoxJson[] = [];
  for (let i = 0; i < list.len(); i++) outputs.push(boxFromLib(list.get(i)));
  const fee = outputs
    .filter((box) => box.ergoTree === FEE_ERGO_TREE)
    .reduce((sum, box) => sum + toBigInt(box.value), 0n);
  return {
    id: tx.id().to_str(),
    inputs,
    dataInputs,
    outputs,
    size: tx.sigma_serialize_bytes().length,
    fee,
    libJson,
  };
}

/** A box from ergo-lib, in the node's field order. */
export function boxFromLib(box: ergo.ErgoBox): BoxJson {
  const json = parseLossless(box.to_json()) as BoxJson;
  return {
    boxId: json.boxId,
    value: json.value,
    ergoTree: json.ergoTree,
    assets: json.assets.map((asset) => ({ tokenId: asset.tokenId, amount: asset.amount })),
    creationHeight: json.creationHeight,
    additionalRegisters: json.additionalRegisters,
    transactionId: json.transactionId,
    index: json.index,
  };
}

function outputIdOf(txJson: string, index: number): string {
  const output = rawItems(rawField(parseRaw(txJson), 'outputs'))[index];
  return rawValue(output === undefined ? undefined : rawField(output, 'boxId')) as string;
}

export function libBoxes(list: readonly BoxJson[]): ergo.ErgoBoxes {
  const out = ergo.ErgoBoxes.empty();
  for (const box of list) out.add(ergo.ErgoBox.from_json(stringifyLossless(box)));
  return out;
}

function boxValue(nano: bigint): ergo.BoxValue {
  return ergo.BoxValue.from_i64(ergo.I64.from_str(nano.toString()));
}

function ergs(nano: bigint): string {
  return (Number(nano) / 1e9).toString();
}

const addressCache = new Map<string, string>();
function addressOf(tree: string, prefix: ergo.NetworkPrefix): string {
  const key = `${prefix}/${tree}`;
  let address = addressCache.get(key);
  if (address === undefined) {
    address = ergo.Address.recreate_from_ergo_tree(ergo.ErgoTree.from_base16_bytes(tree)).to_base58(prefix);
    addressCache.set(key, address);
  }
  return address;
}

export { GROUP_GENERATOR };
