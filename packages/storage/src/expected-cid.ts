/**
 * The CID a streamed file must get, computed beside the store: every chunk the store reads is
 * also handed to the protocol's `cidForChunks`, one chunk at a time, so a streamed add is checked
 * against the protocol without ever holding the file. The hand-off has room for one chunk: the
 * store reads no faster than the hashing keeps up, and memory stays at the importer's few chunks.
 */
import { cidForChunks } from '@anchorpost/protocol';

export class ExpectedCid {
  /** The stream to give the store: the source's chunks, unchanged. */
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly #handoff = new ChunkHandoff();
  readonly #cid: Promise<string>;
  #sourceError: unknown;
  #sourceFailed = false;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.#cid = cidForChunks(this.#handoff);
    // Awaited only on success; a failed add must not leave an unhandled rejection behind.
    this.#cid.catch(() => undefined);
    this.chunks = this.#passThrough(source);
  }

  /** Whether the source itself failed (a client may report that only as an aborted request). */
  get sourceFailed(): boolean {
    return this.#sourceFailed;
  }

  get sourceError(): unknown {
    return this.#sourceError;
  }

  /** Once the store has read `chunks` to the end: the protocol's CID of everything that passed. */
  async cid(): Promise<string> {
    this.#handoff.end(new Error('the store returned before reading the whole file'));
    return this.#cid;
  }

  async *#passThrough(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of source) {
        await this.#handoff.put(chunk);
        yield chunk;
      }
      this.#handoff.end();
    } catch (error) {
      this.#sourceFailed = true;
      this.#sourceError = error;
      throw error;
    } finally {
      // Abandoned early (store failed, caller aborted): stop the hashing too.
      this.#handoff.end(new Error('the file stream was not read to its end'));
    }
  }
}

/** A one-chunk hand-off between a writer and one reader (the hashing importer). */
class ChunkHandoff implements AsyncIterable<Uint8Array> {
  #chunk: Uint8Array | undefined;
  #ended = false;
  #failure: Error | undefined;
  #readerGone = false;
  #wakeReader: (() => void) | undefined;
  #wakeWriter: (() => void) | undefined;

  /** Resolves once the reader has taken the chunk (or will never read again). */
  async put(chunk: Uint8Array): Promise<void> {
    if (this.#readerGone || this.#ended) return;
    this.#chunk = chunk;
    const taken = new Promise<void>((resolve) => {
      this.#wakeWriter = resolve;
    });
    this.#notifyReader();
    await taken;
  }

  /** Ends the stream for the reader, with a failure if given; later calls change nothing. */
  end(failure?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = failure;
    this.#notifyReader();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const chunk = this.#chunk;
        if (chunk !== undefined) {
          this.#chunk = undefined;
          this.#notifyWriter();
          yield chunk;
          continue;
        }
        if (this.#ended) {
          if (this.#failure !== undefined) throw this.#failure;
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wakeReader = resolve;
        });
      }
    } finally {
      this.#readerGone = true;
      this.#notifyWriter();
    }
  }

  #notifyReader(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  #notifyWriter(): void {
    const wake = this.#wakeWriter;
    this.#wakeWriter = undefined;
    wake?.();
  }
}
