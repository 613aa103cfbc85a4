/**
 * Optional: a tx-file is accepted only when its client key is some identity's current key in the
 * key registry (key transparency, docs/sponsor.md): a key the platform's users cannot see
 * published, rotated with a signature and revocable, is refused with KEY_NOT_REGISTERED. Checked
 * after the client's signature, so only the tenant's own registered client keys are ever asked
 * about, which bounds the lookups a sender can cause and the cache below.
 *
 * A key found current is trusted for `cacheMs` without asking again (a revocation takes effect at
 * most that late); a key not found is asked about again on the next file, so a user who just
 * published is not kept waiting. A registry that cannot be asked refuses the file
 * (KEY_REGISTRY_UNAVAILABLE, retryable): never accepted unchecked.
 */
import { RelayError, RelayErrorCode } from './relay-error.ts';

/** The key registry as the relay reads it (an adapter over the chain, or a test double). */
export interface ClientKeyRegistry {
  /** Whether the key with this fingerprint (64 lower-case hex) is an identity's current key. */
  isCurrentKey(fingerprint: string): Promise<boolean>;
}

export interface RegisteredKeyCheckOptions {
  readonly registry: ClientKeyRegistry;
  /** How long a key found current is not asked about again; default 60 s. */
  readonly cacheMs?: number;
  /** Milliseconds clock; default `performance.now`. */
  readonly now?: () => number;
}

export class RegisteredKeyCheck {
  readonly #registry: ClientKeyRegistry;
  readonly #cacheMs: number;
  readonly #now: () => number;
  /** Fingerprint → when it was last found current. */
  readonly #current = new Map<string, number>();

  constructor(options: RegisteredKeyCheckOptions) {
    this.#registry = options.registry;
    this.#cacheMs = options.cacheMs ?? 60_000;
    this.#now = options.now ?? (() => performance.now());
  }

  async check(fingerprint: string): Promise<void> {
    const seen = this.#current.get(fingerprint);
    if (seen !== undefined && this.#now() - seen < this.#cacheMs) return;
    let current: boolean;
    try {
      current = await this.#registry.isCurrentKey(fingerprint);
    } catch (cause) {
      throw new RelayError(
        RelayErrorCode.KeyRegistryUnavailable,
        'the key registry cannot be asked now; the file is refused unchecked',
        { cause },
      );
    }
    if (!current) {
      this.#current.delete(fingerprint);
      throw new RelayError(
        RelayErrorCode.KeyNotRegistered,
        `client key ${fingerprint} is no identity's current key in the key registry (publish it with 'anchorpost keys publish')`,
        { field: 'transaction.client.id' },
      );
    }
    this.#current.set(fingerprint, this.#now());
  }
}
