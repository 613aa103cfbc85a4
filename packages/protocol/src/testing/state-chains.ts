/**
 * Builds tx-files the way a client that keeps its state chain does: each file of a client to a
 * group starts where that client's previous file to that group ended (`state.before` is that
 * file's `state.after`, GENESIS_STATE for the first), so no two files take one chain position,
 * which a relay refuses as a fork (STATE_FORK). For tests and benches that send many files; a
 * file built and never sent leaves a gap, which a relay does not check.
 */
import { groupPublicKeyBytes } from '../crypto/group.ts';
import { fingerprint } from '../crypto/identity.ts';
import { buildTxFile } from '../tx-file/build.ts';
import type { BuildTxFileInput } from '../tx-file/build.ts';
import type { TxFile } from '../tx-file/schema.ts';
import { serializeTxFile } from '../tx-file/serialize.ts';
import { GENESIS_STATE, hmacHex } from '../tx-file/state.ts';

export type ChainedTxFileInput = Omit<BuildTxFileInput, 'before'>;

export class StateChains {
  /** The last `state.after` per (group recipient hash, client id). */
  readonly #heads = new Map<string, string>();

  /** buildTxFile with `before` at the head of the client's chain in the group; the head moves on. */
  build(input: ChainedTxFileInput): TxFile {
    const key = chainKey(input);
    const tx = buildTxFile({ ...input, before: this.#heads.get(key) ?? GENESIS_STATE });
    this.#heads.set(key, tx.state.after);
    return tx;
  }

  /** `build`, serialized canonically. */
  buildBytes(input: ChainedTxFileInput): Uint8Array {
    return serializeTxFile(this.build(input));
  }
}

/** The group as a relay tells it apart (its recipient hash), and the client's id. */
function chainKey({ group, client }: ChainedTxFileInput): string {
  const recipientHash = hmacHex(group.secret, groupPublicKeyBytes(group.suite, group.publicKey));
  return `${recipientHash}/${fingerprint(client.public)}`;
}
