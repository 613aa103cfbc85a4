/**
 * Transaction-file v0.2 (seed 001, "Transaction-file", with the signatures of ADR 0017), as
 * TypeScript types. v0.1 has the same fields; only what its signatures cover differs (see
 * signature.ts), so the reader still reads it.
 *
 * Encodings: every `sha512hash`-like field is 128 lower-case hex characters (HMAC-SHA512 keyed with
 * the group secret); every `ciphertext`, `key` and `signature` is canonical padded base64; block
 * ids are 64 lower-case hex characters; heights are non-negative safe integers.
 *
 * Additions to the seed, each needed to make the seed's design work (see docs/protocol.md):
 * - `suite` selects the crypto suite (`modern` or `rsa-4096`);
 * - `key` is the per-file content key, sealed to the group public key; every `ciphertext` is
 *   AES-256-GCM under it, bound to its field path;
 * - `client.id` is the SHA-256 fingerprint of the client's public key, so that a relay (which has no
 *   group secret) can find the tenant's registered key and check `client.signature`;
 * - (v0.2) every signature covers a public digest of the file (signature.ts), so anyone with the
 *   file's bytes and a signer's public key can check it.
 * Fields the seed names "single or plural" (`sender`, `message.attachment`, `voting.option`) are
 * lists in the canonical form; the parser also accepts a single mapping.
 *
 * Further rules the validator enforces: `client.id` is 64 lower-case hex; base64 fields are
 * non-empty; optional lists are non-empty when present; at most 64 senders, 64 attachments and
 * 2..256 voting options, with distinct title hashes; `trustedblock.height` ≤ `lastblock.height`.
 * Block ids carry no `0x` prefix (strip it from EVM block hashes).
 */
/** The version every new file is written in. */
export const TX_FILE_VERSION = '0.2';
/**
 * The first version: its signatures cover only the after-state, a value keyed by the group secret,
 * so nobody outside the group can tie them to the file's bytes. Still read, opened by members and
 * indexed; a relay refuses it (LEGACY_TX_FILE).
 */
export const LEGACY_TX_FILE_VERSION = '0.1';
export const TX_FILE_VERSIONS = [LEGACY_TX_FILE_VERSION, TX_FILE_VERSION] as const;
export type TxFileVersion = (typeof TX_FILE_VERSIONS)[number];
export const SUITES = ['modern', 'rsa-4096'] as const;
export type SuiteName = (typeof SUITES)[number];

/** An encrypted value with the HMAC of its plaintext. */
export interface SealedField {
  ciphertext: string;
  sha512hash: string;
}

/** Points at another message by the HMACs of its header and data (seed: regarding, forwarded). */
export interface MessageReference {
  headerhash?: string;
  datahash: string;
}

export interface TxMessage {
  header?: SealedField;
  data: SealedField;
  regarding?: MessageReference;
  forwarded?: MessageReference;
  attachment?: SealedField[];
}

export interface VotingOption {
  title: SealedField;
  description?: SealedField;
}

export interface TxVoting {
  /** The random secret shared between voter and organizer. */
  secret: SealedField;
  /** Votes count only when anchored at or below this block height. */
  lastblock: number;
  option: VotingOption[];
}

export interface TxVote {
  /** The voting's transaction-file `state.after`. */
  voting: string;
  /** HMAC of the chosen option's title. */
  option: string;
  /** HMAC of the voter's public key. */
  voter: string;
  /** The voter's signature over this voting, this voter and the option (voting/vote-signature.ts). */
  signature: string;
}

export interface BlockRef {
  height: number;
  /** The block id (hash), hex. */
  signature: string;
}

export interface TxBlockchain {
  lastblock: BlockRef;
  /** `lastblock` minus the trusted depth (10 blocks), in case of a fork. */
  trustedblock: BlockRef;
}

export interface TxState {
  before: string;
  after: string;
}

export interface TxSender {
  /** The sender's public key, encrypted under the content key. */
  ciphertext: string;
  sha512hash: string;
  /** The sender's signature over the file's public digest (signature.ts; v0.1: over `state.after`). */
  signature: string;
}

/**
 * The client application. Unlike the seed's sketch (which signs the hash of the client key), the
 * client signs the file's public digest, like the senders: that signature covers the whole file,
 * and anyone with the client's public key can check it.
 */
export interface TxClient {
  id: string;
  sha512hash: string;
  signature: string;
}

export interface TxFile {
  version: TxFileVersion;
  suite: SuiteName;
  key: string;
  client: TxClient;
  recipient: SealedField;
  message: TxMessage;
  voting?: TxVoting;
  vote?: TxVote;
  blockchain: TxBlockchain;
  state: TxState;
  sender: TxSender[];
}

/** The YAML document's root: the seed nests everything under `transaction`. */
export interface TxFileDocument {
  transaction: TxFile;
}
