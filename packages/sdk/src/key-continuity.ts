/**
 * The contact check's verdict, from an identity's history alone: does the key the caller knew
 * (pinned) lead to the identity's current key by rotations it signed? The registry checks each
 * rotation's signature against the current key's rotation signer, so within one line of history
 * (since the latest registration; a revoke ends a line) every key descends from the one before by
 * a signature. A pin is a fingerprint *and* the rotation signer it was seen with: a stolen
 * account key can revoke and register the pinned fingerprint again under a rotation signer of its
 * own, then rotate away from it with that signer — the fingerprint alone would call that a signed
 * rotation. Framework-free and synchronous: the reads are key-transparency.ts's.
 */
import type { KeyEvent } from './key-transparency.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

/** A key as a contact list keeps it: its fingerprint (64 hex) and the rotation signer it was published with. */
export interface PinnedKey {
  readonly fingerprint: string;
  readonly rotationSigner: string;
}

export type Continuity = 'current' | 'signed-rotation' | 'unsigned-change' | 'revoked' | 'unknown';

type Installed = Exclude<KeyEvent, { event: 'revoked' }>;
const installs = (event: KeyEvent): event is Installed => event.event !== 'revoked';

/**
 * The pin for a bare fingerprint: the rotation signer it was first published with in this
 * history (trust on first use of the history), undefined when it never was.
 */
function pinOf(history: readonly KeyEvent[], expected: string | PinnedKey): PinnedKey | undefined {
  if (typeof expected !== 'string') return expected;
  const first = history.filter(installs).find((event) => event.fingerprint === expected);
  return first === undefined ? undefined : { fingerprint: expected, rotationSigner: first.rotationSigner };
}

/**
 * Whether the identity's current key descends from `expected` by signed rotations only.
 * `current`: it is the current key; `signed-rotation`: the current line installs it with its own
 * rotation signer, and every change since was signed; `unsigned-change`: it was the identity's
 * key, but the current one does not descend from it (revoked and registered again, or registered
 * again under another rotation signer); `revoked`: no key now; `unknown`: never published.
 */
export function continuityFrom(history: readonly KeyEvent[], expected: string | PinnedKey): Continuity {
  const last = history.at(-1);
  if (last === undefined) return 'unknown';
  if (last.event === 'revoked') return 'revoked';
  const fingerprint = typeof expected === 'string' ? expected : expected.fingerprint;
  if (last.fingerprint === fingerprint) return 'current';
  const pin = pinOf(history, expected);
  if (pin === undefined) return 'unknown';
  const line = history.slice(history.findLastIndex((event) => event.event === 'registered'));
  const signer = pin.rotationSigner.toLowerCase();
  const linked = line
    .filter(installs)
    .some((event) => event.fingerprint === pin.fingerprint && event.rotationSigner.toLowerCase() === signer);
  if (linked) return 'signed-rotation';
  return history.some((event) => event.fingerprint === pin.fingerprint) ? 'unsigned-change' : 'unknown';
}

/**
 * `continuityFrom` as a check: undefined when `expected` is the current key, a note when the
 * current key descends from it by signed rotations; otherwise KEY_REVOKED, EXPECTED_KEY_UNKNOWN
 * or KEY_CHANGED_UNSIGNED (field: the identity).
 */
export function checkContinuity(
  history: readonly KeyEvent[],
  identity: string,
  expected: string | PinnedKey,
): string | undefined {
  const verdict = continuityFrom(history, expected);
  const fingerprint = typeof expected === 'string' ? expected : expected.fingerprint;
  if (verdict === 'current') return undefined;
  if (verdict === 'signed-rotation') return `rotated from ${fingerprint} by rotations the old key signed`;
  const field = { field: identity };
  if (verdict === 'revoked')
    throw new SdkError(SdkErrorCode.KeyRevoked, `${identity} has no published key now`, field);
  if (verdict === 'unknown')
    throw new SdkError(SdkErrorCode.ExpectedKeyUnknown, `${identity} never published ${fingerprint}`, field);
  throw new SdkError(
    SdkErrorCode.KeyChangedUnsigned,
    `${identity}'s key changed from ${fingerprint} without a rotation signed by it`,
    field,
  );
}
