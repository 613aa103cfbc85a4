/**
 * Strict CID handling. Anchorpost only ever writes one form of content address — CIDv1, sha2-256,
 * lower-case base32 text — so accepting exactly that form means equal content always compares
 * equal, as text and as bytes, and a proof can never name one file by two different strings.
 * Every such CID is 36 bytes (59 characters), which lets the checks work on bytes directly.
 */
import { CID } from 'multiformats/cid';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { decodeBase32, decodeBase32Into, encodeBase32 } from './base32.ts';

/** Multicodec codes of the three block kinds Anchorpost produces (all one-byte varints). */
export const CidCodec = {
  /** A raw leaf: a file of up to one chunk, stored as its own bytes. */
  Raw: 0x55,
  /** A UnixFS file node linking the chunks of a larger file. */
  DagPb: 0x70,
  /** A batch-file block. */
  DagCbor: 0x71,
} as const;

export type CidCodec = (typeof CidCodec)[keyof typeof CidCodec];

/** version ‖ codec ‖ 0x12 (sha2-256) ‖ 0x20 (32) ‖ digest. */
export const CID_BYTE_LENGTH = 36;
const CID_TEXT_LENGTH = 1 + Math.ceil((CID_BYTE_LENGTH * 8) / 5);
const SHA2_256 = 0x12;
const ALL_CODECS: readonly CidCodec[] = [CidCodec.Raw, CidCodec.DagPb, CidCodec.DagCbor];
const BASE32_CID_RE = /^b[a-z2-7]+$/;

function badCid(field: string, message: string): ProtocolError {
  return new ProtocolError(ErrorCode.BadCid, field, message);
}

/** Checks the binary CID of `length` bytes at `bytes[offset]` against the rules above. */
function checkCidBytesAt(
  bytes: Uint8Array,
  offset: number,
  length: number,
  field: string,
  codecs: readonly CidCodec[],
): void {
  if (bytes[offset] !== 0x01) throw badCid(field, 'expected CID version 1');
  const codec = bytes[offset + 1] ?? -1;
  if (!(codecs as readonly number[]).includes(codec)) {
    let code = codec;
    try {
      code = CID.decode(bytes.subarray(offset, offset + length)).code;
    } catch {
      // not decodable: report the byte
    }
    throw badCid(field, `codec 0x${code.toString(16)} is not allowed here`);
  }
  if (bytes[offset + 2] !== SHA2_256 || bytes[offset + 3] !== 32)
    throw badCid(field, 'expected a sha2-256 multihash');
  if (length !== CID_BYTE_LENGTH) throw badCid(field, 'CID has trailing or missing bytes');
}

function checkCidBytes(bytes: Uint8Array, field: string, codecs: readonly CidCodec[]): Uint8Array {
  checkCidBytesAt(bytes, 0, bytes.byteLength, field, codecs);
  return bytes;
}

/** Decodes and checks CID text into out[offset, offset + 36). */
function decodeCidTextInto(
  text: unknown,
  out: Uint8Array,
  offset: number,
  field: string,
  codecs: readonly CidCodec[],
): void {
  if (typeof text !== 'string') throw badCid(field, 'expected a CID string');
  if (!BASE32_CID_RE.test(text)) throw badCid(field, 'expected a CIDv1 in lower-case base32 (b…)');
  if (text.length !== CID_TEXT_LENGTH) {
    // Wrong length: decode separately only to say precisely what is wrong.
    const bytes = decodeBase32(text.slice(1));
    if (bytes === undefined) throw badCid(field, 'CID is not in canonical base32');
    checkCidBytes(bytes, field, codecs);
    throw badCid(field, 'CID is not in canonical form');
  }
  if (decodeBase32Into(text, 1, out, offset) < 0) throw badCid(field, 'CID is not in canonical base32');
  checkCidBytesAt(out, offset, CID_BYTE_LENGTH, field, codecs);
}

function bytesFromText(text: unknown, field: string, codecs: readonly CidCodec[]): Uint8Array {
  const bytes = new Uint8Array(CID_BYTE_LENGTH);
  decodeCidTextInto(text, bytes, 0, field, codecs);
  return bytes;
}

/**
 * Writes the checked binary form of `cid` (36 bytes) into `out` at `offset`, allocating nothing
 * for text input: for code that packs millions of CIDs (Merkle trees, batch pages).
 */
export function writeCidBytes(
  cid: string | CID,
  out: Uint8Array,
  offset: number,
  field = '-',
  codecs: readonly CidCodec[] = ALL_CODECS,
): void {
  if (typeof cid === 'string') {
    decodeCidTextInto(cid, out, offset, field, codecs);
  } else {
    out.set(checkCidBytes(cid.bytes, field, codecs), offset);
  }
}

/**
 * Parses a CIDv1 in canonical lower-case base32 (`b…`) with a sha2-256 multihash and one of the
 * allowed codecs (raw, dag-pb, dag-cbor unless narrowed). Anything else throws BAD_CID on `field`.
 */
export function parseCid(text: unknown, field = '-', codecs: readonly CidCodec[] = ALL_CODECS): CID {
  return CID.decode(bytesFromText(text, field, codecs));
}

/** Checks an already-decoded CID (for example an IPLD link read from a block) against the same rules. */
export function checkCid(cid: CID, field = '-', codecs: readonly CidCodec[] = ALL_CODECS): CID {
  checkCidBytes(cid.bytes, field, codecs);
  return cid;
}

/** The CID's binary form (version ‖ codec ‖ multihash), e.g. the Merkle leaf data; checked. */
export function cidToBytes(
  cid: string | CID,
  field = '-',
  codecs: readonly CidCodec[] = ALL_CODECS,
): Uint8Array {
  return typeof cid === 'string'
    ? bytesFromText(cid, field, codecs)
    : checkCidBytes(cid.bytes, field, codecs);
}

/** The canonical text of a binary CID (checked). */
export function cidBytesToText(
  bytes: Uint8Array,
  field = '-',
  codecs: readonly CidCodec[] = ALL_CODECS,
): string {
  return `b${encodeBase32(checkCidBytes(bytes, field, codecs))}`;
}

/** Accepts either form and returns the checked CID object. */
export function toCid(cid: string | CID, field = '-', codecs: readonly CidCodec[] = ALL_CODECS): CID {
  return typeof cid === 'string' ? parseCid(cid, field, codecs) : checkCid(cid, field, codecs);
}
