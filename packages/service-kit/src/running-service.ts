/** A started service as the one-process platform (and tests) see it. */
export interface RunningService {
  /** `relay`, `batcher`, `anchorer`, `parser`, `proof-api`. */
  readonly name: string;
  /**
   * Where it listens: `{ http: 'http://127.0.0.1:7410', grpc: '127.0.0.1:7411', management:
   * 'http://127.0.0.1:7413' }` (management: `/metrics` and the detailed `/readyz`).
   */
  readonly urls: Readonly<Record<string, string>>;
  /** Stops taking work, finishes or abandons what is in flight safely, closes its listeners. Idempotent. */
  close(): Promise<void>;
}
