/**
 * The ContentStore over a Kubo daemon's RPC API: kubo-rpc-client for every call except `add`,
 * which streams over node:http (kubo-add.ts says why). Files go in with explicit `ipfs add` flags
 * (kubo-add-options.ts) and are checked against the protocol's CID; reads are verified the same
 * way (checkFileCid). Blocks go in with `block/put --cid-codec=<codec> --mhtype=sha2-256` after
 * checking their bytes, and come back checked too. Every call carries one AbortSignal (time
 * limit + caller) and, where Kubo itself could keep searching the network, the same limit as
 * Kubo's own `timeout` parameter.
 */
import { cidForBytes, CidCodec, toCid } from '@anchorpost/protocol';
import { create } from 'kubo-rpc-client';
import type { KuboRPCClient } from 'kubo-rpc-client';
import type { CID } from 'multiformats/cid';
import { checkBlockBytes, checkBlockSize, checkFileCid } from '../block-check.ts';
import { checkMaxBytes, limitBytes, readBounded } from '../bounded-bytes.ts';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type {
  AddFileOptions,
  ContentAddress,
  ContentStore,
  DagBlock,
  ExportDagOptions,
  GetFileOptions,
  OperationOptions,
  PinOptions,
  ReadFileOptions,
  StoreHealth,
} from '@anchorpost/storage-port';
import { ExpectedCid } from '../expected-cid.ts';
import { carBlocks } from './car-blocks.ts';
import { kuboDagExport } from './kubo-dag-export.ts';
import { DEFAULT_TIMEOUT_MS, OperationSignal } from '../operation-signal.ts';
import { kuboAdd, kuboAddMany } from './kubo-add.ts';
import { kuboAddFlags } from './kubo-add-options.ts';
import { kuboMessage, kuboStorageError } from './kubo-errors.ts';

export interface KuboContentStoreOptions {
  /** The daemon's RPC API, e.g. `http://127.0.0.1:5001` (`/api/v0` is added). */
  url: string;
  /** Default time limit of reads and small writes (ms). Default 30,000. */
  timeoutMs?: number;
}

const CODEC_NAMES: Readonly<Record<number, string>> = {
  [CidCodec.Raw]: 'raw',
  [CidCodec.DagPb]: 'dag-pb',
  [CidCodec.DagCbor]: 'dag-cbor',
};

/**
 * A store talking to the Kubo daemon at `options.url`. Connecting sends nothing: a daemon that is
 * down shows in `health()` and as UNAVAILABLE (retryable) on each call.
 */
export function connectKubo(options: KuboContentStoreOptions): KuboContentStore {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new StorageError(StorageErrorCode.BadConfig, `Kubo RPC url is not a URL: ${options.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StorageError(StorageErrorCode.BadConfig, `Kubo RPC url must be http(s): ${options.url}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  new OperationSignal(timeoutMs, undefined); // validates
  const api = new URL(url.pathname === '/' ? '/api/v0' : url.pathname, url);
  return new KuboContentStore(create({ url: api }), api, timeoutMs);
}

export class KuboContentStore implements ContentStore {
  readonly #client: KuboRPCClient;
  /** The RPC API base (…/api/v0), also for the requests made without the client (kubo-add.ts). */
  readonly #api: URL;
  readonly #timeoutMs: number;
  #closed = false;

  /** Use `connectKubo`. */
  constructor(client: KuboRPCClient, api: URL, timeoutMs: number) {
    this.#client = client;
    this.#api = api;
    this.#timeoutMs = timeoutMs;
  }

  async addFile(bytes: Uint8Array, options: AddFileOptions = {}): Promise<string> {
    return this.#run('add file', options, this.#timeoutMs, async (op) => {
      const expected = await cidForBytes(bytes);
      const cid = await kuboAdd(this.#api, [bytes], kuboAddFlags(options.pin === true), op.signal);
      return this.#finishAdd(cid, expected, options.pin === true);
    });
  }

  async addFiles(files: readonly Uint8Array[], options: AddFileOptions = {}): Promise<string[]> {
    const pin = options.pin === true;
    return this.#run(`add ${files.length} files`, options, this.#timeoutMs, async (op) => {
      const expected = await Promise.all(files.map((bytes) => cidForBytes(bytes)));
      const cids = await kuboAddMany(this.#api, files, kuboAddFlags(pin), op.signal);
      return Promise.all(cids.map((cid, i) => this.#finishAdd(cid, expected[i]!, pin)));
    });
  }

  async addFileStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: AddFileOptions = {},
  ): Promise<string> {
    const expected = new ExpectedCid(source);
    try {
      return await this.#run('add file stream', options, undefined, async (op) => {
        const cid = await kuboAdd(this.#api, expected.chunks, kuboAddFlags(options.pin === true), op.signal);
        return this.#finishAdd(cid, await expected.cid(), options.pin === true);
      });
    } catch (error) {
      // The client turns a failing source into an aborted upload; report the source's own error.
      if (expected.sourceFailed) throw expected.sourceError;
      throw error;
    }
  }

  async getFile(cid: ContentAddress, options: GetFileOptions): Promise<Uint8Array> {
    checkMaxBytes(options.maxBytes);
    return readBounded(this.getFileStream(cid, options), options.maxBytes, `get file ${String(cid)}`);
  }

  async *getFileStream(
    cid: ContentAddress,
    options: ReadFileOptions = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    if (options.maxBytes !== undefined) checkMaxBytes(options.maxBytes);
    const what = `get file ${String(cid)}`;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    // Ends the HTTP response when the reader stops early (limit hit, reader gone).
    const done = new AbortController();
    const op = this.#begin(what, { timeoutMs, signal: anySignal(options.signal, done.signal) });
    try {
      const root = toCid(cid, 'cid');
      // One byte past the limit is enough to know the file is too large; Kubo sends no more.
      const length = options.maxBytes === undefined ? undefined : options.maxBytes + 1;
      const chunks = this.#client.cat(root, { signal: op.signal, timeout: timeoutMs, length });
      const limited = options.maxBytes === undefined ? chunks : limitBytes(chunks, options.maxBytes, what);
      // Verified as it passes: the bytes must give back the CID asked for (see checkFileCid).
      const check = new ExpectedCid(limited);
      yield* check.chunks;
      checkFileCid(root, await check.cid());
    } catch (error) {
      throw op.toError(error, what, kuboStorageError);
    } finally {
      done.abort();
    }
  }

  async putBlock(cid: ContentAddress, bytes: Uint8Array, options: OperationOptions = {}): Promise<void> {
    await this.#run(`put block ${String(cid)}`, options, this.#timeoutMs, async (op, what) => {
      const parsed = toCid(cid, 'cid');
      checkBlockSize(parsed, bytes);
      checkBlockBytes(parsed, bytes);
      const putOptions = {
        cidCodec: CODEC_NAMES[parsed.code],
        mhtype: 'sha2-256',
        pin: false,
        signal: op.signal,
      };
      const stored = await this.#client.block.put(bytes, putOptions);
      if (!stored.equals(parsed)) {
        throw new StorageError(
          StorageErrorCode.CidMismatch,
          `${what}: Kubo stored it as ${stored.toString()}`,
        );
      }
    });
  }

  async getBlock(cid: ContentAddress, options: OperationOptions = {}): Promise<Uint8Array> {
    return this.#run(`get block ${String(cid)}`, options, this.#timeoutMs, async (op) => {
      const parsed = toCid(cid, 'cid');
      const bytes = await this.#client.block.get(parsed, { signal: op.signal, timeout: op.timeoutMs });
      // The daemon is another process, possibly another machine: trust the hash, not the wire.
      checkBlockBytes(parsed, bytes);
      return bytes;
    });
  }

  /** `dag/export` of the root: one request, a CAR stream read as it arrives (kubo-dag-export.ts, car-blocks.ts). */
  async *exportDag(
    cid: ContentAddress,
    options: ExportDagOptions = {},
  ): AsyncGenerator<DagBlock, void, undefined> {
    const what = `export dag ${String(cid)}`;
    // Ends the HTTP response when the reader stops early.
    const done = new AbortController();
    const op = this.#begin(what, {
      timeoutMs: options.timeoutMs,
      signal: anySignal(options.signal, done.signal),
    });
    try {
      const root = toCid(cid, 'cid');
      yield* carBlocks(kuboDagExport(this.#api, root, op), what);
    } catch (error) {
      throw op.toError(error, what, kuboStorageError);
    } finally {
      done.abort();
    }
  }

  async has(cid: ContentAddress, options: OperationOptions = {}): Promise<boolean> {
    return this.#run(`has ${String(cid)}`, options, this.#timeoutMs, async (op, what) => {
      const parsed = toCid(cid, 'cid');
      // Kubo's global --offline: look in the local blockstore only, never search the network.
      const statOptions = { signal: op.signal, offline: true };
      try {
        await this.#client.block.stat(parsed, statOptions);
        return true;
      } catch (error) {
        const failure = op.toError(error, what, kuboStorageError);
        if (failure instanceof StorageError && failure.code === StorageErrorCode.NotFound) return false;
        throw failure;
      }
    });
  }

  async pin(cid: ContentAddress, options: PinOptions = {}): Promise<void> {
    await this.#run(`pin ${String(cid)}`, options, undefined, async (op) => {
      const parsed = toCid(cid, 'cid');
      const recursive = options.recursive ?? true;
      try {
        await this.#client.pin.add(parsed, { recursive, signal: op.signal, timeout: op.timeoutMs });
      } catch (error) {
        // Asked for a direct pin of a recursively pinned CID: make the pin the kind asked for.
        if (recursive || !/already pinned recursively/i.test(kuboMessage(error) ?? '')) throw error;
        await this.#client.pin.rm(parsed, { recursive: true, signal: op.signal });
        await this.#client.pin.add(parsed, { recursive: false, signal: op.signal, timeout: op.timeoutMs });
      }
    });
  }

  async unpin(cid: ContentAddress, options: OperationOptions = {}): Promise<void> {
    await this.#run(`unpin ${String(cid)}`, options, undefined, async (op) => {
      const parsed = toCid(cid, 'cid');
      try {
        await this.#client.pin.rm(parsed, { recursive: true, signal: op.signal });
      } catch (error) {
        if (isNotPinned(error)) return;
        throw error;
      }
    });
  }

  async isPinned(cid: ContentAddress, options: OperationOptions = {}): Promise<boolean> {
    return this.#run(`is pinned ${String(cid)}`, options, this.#timeoutMs, async (op) => {
      const parsed = toCid(cid, 'cid');
      try {
        // type=all includes indirect pins: Kubo walks the recursive pins to answer, which costs
        // time on a large repo — this is a check for operations and tests, not a hot path.
        for await (const pin of this.#client.pin.ls({ paths: parsed, type: 'all', signal: op.signal })) {
          if (pin.cid.multihash.bytes.every((byte, i) => byte === parsed.multihash.bytes[i])) return true;
        }
        return false;
      } catch (error) {
        if (isNotPinned(error)) return false;
        throw error;
      }
    });
  }

  async gc(options: OperationOptions = {}): Promise<void> {
    await this.#run('gc', options, undefined, async (op, what) => {
      const failures: string[] = [];
      for await (const result of this.#client.repo.gc({ signal: op.signal })) {
        // Kubo sends `err: null` on success, whatever the client's types say.
        const err = (result as { err?: Error | null }).err;
        if (err != null) failures.push(err.message);
      }
      if (failures.length > 0) {
        throw new StorageError(
          StorageErrorCode.Internal,
          `${what}: ${failures.length} failures, first: ${failures[0]}`,
        );
      }
    });
  }

  async health(): Promise<StoreHealth> {
    if (this.#closed) return { ok: false, detail: 'closed' };
    try {
      const version = await this.#client.version({ signal: AbortSignal.timeout(this.#timeoutMs) });
      return { ok: true, detail: `kubo ${version.version} at ${this.#api.href}` };
    } catch (error) {
      const failure = kuboStorageError(error, `kubo at ${this.#api.href}`);
      return { ok: false, detail: failure.message };
    }
  }

  async close(): Promise<void> {
    // The client holds no connection of its own (fetch pools them); closing only retires this handle.
    this.#closed = true;
    return Promise.resolve();
  }

  async #finishAdd(cid: CID, expected: string, pinned: boolean): Promise<string> {
    if (cid.toString() === expected) return expected;
    // Not the protocol's CID: the daemon ignored a flag. Do not leave a wrong pin behind.
    if (pinned) await this.#client.pin.rm(cid).catch(() => undefined);
    throw new StorageError(
      StorageErrorCode.CidMismatch,
      `add file: Kubo made ${cid.toString()}, the protocol ${expected}`,
    );
  }

  #begin(what: string, options: OperationOptions): OperationSignal {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, `${what}: the store is closed`);
    const op = new OperationSignal(options.timeoutMs, options.signal);
    op.throwIfAborted(what);
    return op;
  }

  async #run<T>(
    what: string,
    options: OperationOptions,
    defaultTimeoutMs: number | undefined,
    fn: (op: OperationSignal, what: string) => Promise<T>,
  ): Promise<T> {
    const op = this.#begin(what, {
      timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
      signal: options.signal,
    });
    try {
      return await fn(op, what);
    } catch (error) {
      throw op.toError(error, what, kuboStorageError);
    }
  }
}

function isNotPinned(error: unknown): boolean {
  return /not pinned/i.test(kuboMessage(error) ?? '');
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a === undefined ? b : AbortSignal.any([a, b]);
}
