/**
 * The check before sending to a contact whose key is pinned (trust on first use, like Signal's
 * safety numbers): the identity's key now, from the registry's events, and whether it descends
 * from the pinned key by rotations the pinned key signed (`continuityFrom`). A signed rotation
 * moves the pin to the new key; any other change is refused (KEY_CHANGED_UNSIGNED), unless the
 * caller names the new key it was told of out of band (`expect`). Node only (the reads decode
 * the registry's ABI with ethers).
 */
import { checkContinuity, type PinnedKey } from './key-continuity.ts';
import { keyHistory, type KeyEvent, type PublishedKey, type RegistryAt } from './key-transparency.ts';
import { isSdkError, SdkError, SdkErrorCode } from './sdk-error.ts';

export interface ContactCheck {
  readonly identity: string;
  /** The identity's key now. */
  readonly key: PublishedKey;
  /** The pin to keep from now on: the old one when nothing changed, the current key otherwise. */
  readonly pin: PinnedKey;
  /** `none`: the pinned key is current; `signed-rotation`: the pinned key signed the way to it; `expected`: accepted because `expect` names it. */
  readonly change: 'none' | 'signed-rotation' | 'expected';
  /** For people: what changed, when something did. */
  readonly note: string | undefined;
}

export interface ContactCheckOptions {
  /** The new key's fingerprint (64 hex), learnt out of band: accepts a change the pinned key did not sign. */
  readonly expect?: string | undefined;
  /** Where the registry's history starts (its deployment block on a long chain). */
  readonly fromBlock?: bigint | undefined;
}

/** The key the history's last event installed, or undefined after a revoke or with no history. */
function keyAfter(history: readonly KeyEvent[]): PublishedKey | undefined {
  const last = history.at(-1);
  if (last === undefined || last.event === 'revoked') return undefined;
  const { fingerprint, suite, keyCid, rotationSigner } = last;
  return { fingerprint, suite, keyCid, rotationSigner };
}

const OVERRIDABLE = new Set<string>([SdkErrorCode.KeyChangedUnsigned, SdkErrorCode.ExpectedKeyUnknown]);

/**
 * Checks `identity`'s registered key against `pinned`. Fails with NO_KEY_REGISTERED, KEY_REVOKED,
 * KEY_CHANGED_UNSIGNED (the current key does not descend from the pinned one by signed rotations;
 * `expect` naming the current key accepts it) or EXPECTED_KEY_UNKNOWN (the pinned key is not in
 * the identity's history, e.g. read from too late a block; `expect` accepts it too).
 */
export async function checkContact(
  at: RegistryAt,
  identity: string,
  pinned: PinnedKey,
  options: ContactCheckOptions = {},
): Promise<ContactCheck> {
  const history = await keyHistory(at, identity, options.fromBlock ?? 0n);
  const key = keyAfter(history);
  if (key === undefined) {
    const revoked = history.length > 0;
    const code = revoked ? SdkErrorCode.KeyRevoked : SdkErrorCode.NoKeyRegistered;
    throw new SdkError(code, `${identity} has no published key${revoked ? ' now' : ''}`, { field: identity });
  }
  const current: PinnedKey = { fingerprint: key.fingerprint, rotationSigner: key.rotationSigner };
  try {
    const note = checkContinuity(history, identity, pinned);
    if (note === undefined) return { identity, key, pin: pinned, change: 'none', note };
    return { identity, key, pin: current, change: 'signed-rotation', note };
  } catch (error) {
    const expected = options.expect?.toLowerCase();
    if (!isSdkError(error) || !OVERRIDABLE.has(error.code) || expected !== key.fingerprint) throw error;
    const note = `changed from ${pinned.fingerprint} to ${key.fingerprint} without a signed rotation; accepted as expected`;
    return { identity, key, pin: current, change: 'expected', note };
  }
}
