/**
 * Block headers as an Ergo node computes them, minus proof of work: the id is Blake2b-256 of the
 * header's serialized bytes (version-2 layout, Autolykos v2 solution = miner key + nonce), the
 * transactions root is the Merkle root of the transaction ids and witness ids, and the section ids
 * hash their type, the header id and their digest. Checked against real mainnet and testnet headers
 * (test/block-header.test.ts). The nonce solves nothing — no difficulty is met — and the state root
 * is made up: there is no AVL+ tree of the UTXO set behind it.
 */
import { blake2b } from '@noble/hashes/blake2';

/** A header in the node's JSON (field order of `/blocks/lastHeaders`). */
export interface HeaderJson {
  readonly extensionId: string;
  readonly difficulty: string;
  readonly votes: string;
  readonly timestamp: number;
  readonly size: number;
  readonly stateRoot: string;
  readonly height: number;
  readonly nBits: number;
  readonly version: number;
  readonly id: string;
  readonly adProofsRoot: string;
  readonly transactionsRoot: string;
  readonly extensionHash: string;
  readonly powSolutions: { readonly pk: string; readonly w: string; readonly n: string; readonly d: number };
  readonly adProofsId: string;
  readonly transactionsId: string;
  readonly parentId: string;
}

/** The fields the header's bytes (and so its id) are made of. */
export type HeaderFields = Omit<HeaderJson, 'id' | 'size' | 'extensionId' | 'adProofsId' | 'transactionsId'>;

/** What the transactions root needs of a transaction: its id and each input's proof bytes. */
export interface RootedTransaction {
  readonly id: string;
  readonly proofs: readonly string[];
}

/** The secp256k1 generator: the node's stand-in miner key (`simplifiedUpcoming`) and the v2 `w`. */
export const GROUP_GENERATOR = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
/** Difficulty 1 in the node's compact form. */
const NBITS_DIFFICULTY_1 = 16_842_752;
const ADPROOFS_TYPE = 104;
const TRANSACTIONS_TYPE = 102;
const EXTENSION_TYPE = 108;

export function blake2b256(bytes: Uint8Array): Uint8Array {
  return blake2b(bytes, { dkLen: 32 });
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytesOf = (text: string): Buffer => Buffer.from(text, 'hex');

/** Unsigned VLQ, as scorex writes putULong / putUInt. */
function vlq(value: number): Buffer {
  let n = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return Buffer.from(out);
}

/** The header's bytes (HeaderSerializer; version ≥ 2 with no extra fields and an Autolykos v2 solution). */
export function headerBytes(header: HeaderFields): Buffer {
  if (header.version < 2) throw new RangeError('only version-2+ headers are serialized here');
  const nBits = Buffer.alloc(4);
  nBits.writeUInt32BE(header.nBits);
  return Buffer.concat([
    Buffer.from([header.version]),
    bytesOf(header.parentId),
    bytesOf(header.adProofsRoot),
    bytesOf(header.transactionsRoot),
    bytesOf(header.stateRoot),
    vlq(header.timestamp),
    bytesOf(header.extensionHash),
    nBits,
    vlq(header.height),
    bytesOf(header.votes),
    Buffer.from([0]), // length of the fields a later version may add
    bytesOf(header.powSolutions.pk),
    bytesOf(header.powSolutions.n),
  ]);
}

/** scorex's Merkle tree: leaves hash 0x00‖data, nodes 0x01‖left‖right (an odd node pairs with nothing). */
export function merkleRoot(leaves: readonly Uint8Array[]): string {
  if (leaves.length === 0) return hex(blake2b256(new Uint8Array()));
  let level = leaves.map((leaf) => blake2b256(Buffer.concat([Buffer.from([0]), leaf])));
  do {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(blake2b256(Buffer.concat([Buffer.from([1]), level[i]!, level[i + 1] ?? new Uint8Array()])));
    level = next;
  } while (level.length > 1);
  return hex(level[0]!);
}

/** The transactions root of a version-2+ block: ids, then witness ids (hash of all proofs, first byte dropped). */
export function transactionsRoot(txs: readonly RootedTransaction[]): string {
  const ids = txs.map((tx) => bytesOf(tx.id));
  const witnesses = txs.map((tx) => blake2b256(Buffer.concat(tx.proofs.map(bytesOf))).subarray(1));
  return merkleRoot([...ids, ...witnesses]);
}

/** The id of a block section: hash of its type, the header id and its digest. */
export function sectionId(type: number, headerId: string, digest: string): string {
  return hex(blake2b256(Buffer.concat([Buffer.from([type]), bytesOf(headerId), bytesOf(digest)])));
}

/** The digest of an extension with no fields (the Merkle root of nothing). */
export const EMPTY_EXTENSION_DIGEST = merkleRoot([]);

/**
 * A version-2 header on `parentId` with the given transactions; `nonce` tells apart two blocks
 * made at the same height and time (a block that replaces a rolled-back one never shares its id).
 */
export function buildHeader(input: {
  readonly parentId: string;
  readonly height: number;
  readonly timestamp: number;
  readonly transactions: readonly RootedTransaction[];
  readonly nonce: number;
  readonly minerPk?: string;
}): HeaderJson {
  const txRoot = transactionsRoot(input.transactions);
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(BigInt(input.nonce));
  // Made up, but a function of the chain: a 32-byte digest and the AVL+ tree height byte.
  const stateRoot = `${hex(blake2b256(Buffer.concat([bytesOf(input.parentId), bytesOf(txRoot)])))}10`;
  const adProofsRoot = hex(blake2b256(Buffer.concat([Buffer.from('adProofs'), bytesOf(txRoot)])));
  const body = {
    difficulty: '1',
    votes: '000000',
    timestamp: input.timestamp,
    stateRoot,
    height: input.height,
    nBits: NBITS_DIFFICULTY_1,
    version: 2,
    adProofsRoot,
    transactionsRoot: txRoot,
    extensionHash: EMPTY_EXTENSION_DIGEST,
    powSolutions: { pk: input.minerPk ?? GROUP_GENERATOR, w: GROUP_GENERATOR, n: n.toString('hex'), d: 0 },
    parentId: input.parentId,
  };
  const bytes = headerBytes(body);
  const id = hex(blake2b256(bytes));
  return {
    extensionId: sectionId(EXTENSION_TYPE, id, body.extensionHash),
    difficulty: body.difficulty,
    votes: body.votes,
    timestamp: body.timestamp,
    size: bytes.length,
    stateRoot: body.stateRoot,
    height: body.height,
    nBits: body.nBits,
    version: body.version,
    id,
    adProofsRoot: body.adProofsRoot,
    transactionsRoot: body.transactionsRoot,
    extensionHash: body.extensionHash,
    powSolutions: body.powSolutions,
    adProofsId: sectionId(ADPROOFS_TYPE, id, body.adProofsRoot),
    transactionsId: sectionId(TRANSACTIONS_TYPE, id, body.transactionsRoot),
    parentId: body.parentId,
  };
}

/** The header id as the node computes it (no check of the proof of work). */
export function headerId(header: HeaderFields): string {
  return hex(blake2b256(headerBytes(header)));
}

export { ADPROOFS_TYPE, EXTENSION_TYPE, TRANSACTIONS_TYPE };
