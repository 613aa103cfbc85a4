/**
 * The platform's anchor box on Ergo (ADR 0012). One token, minted once with amount 1 (EIP-4), is
 * the platform marker. It always sits in exactly one box, the anchor box; each anchoring
 * transaction spends the current anchor box and creates the next one, which carries the token and
 * the anchor in its registers:
 *
 *   R4  Coll[Byte]  the batch's Merkle root (32 bytes)
 *   R5  Coll[Byte]  the batch-file CID in binary (36 bytes: CIDv1 dag-cbor sha2-256)
 *   R6  Long        the batch sequence
 *
 * Since the token cannot be copied, every box that holds it was put there by its holder: the
 * anchors form one chain on Ergo that anyone can follow by token id, and a look-alike box without
 * the token is nobody's anchor. The minting box holds the token too, but its R4–R6 are EIP-4's
 * name, description and decimals (R6 a Coll[Byte], not a Long), so it never reads as an anchor.
 */
import { CidCodec, cidBytesToText, cidToBytes, fromHex, isProtocolError, toHex } from '@anchorpost/protocol';
import * as ergo from 'ergo-lib-wasm-nodejs';
import type { AnchorRequest } from '../anchor-request.ts';
import { toBigInt } from './ergo-json.ts';
import type { ErgoBoxJson } from './node-types.ts';

export interface AnchorRegisters {
  readonly R4: string;
  readonly R5: string;
  readonly R6: string;
}

/** The registers of the anchor box for `request`, as serialized constants (hex). */
export function encodeAnchorRegisters(request: AnchorRequest): AnchorRegisters {
  return {
    R4: ergo.Constant.from_byte_array(fromHex(request.root)).encode_to_base16(),
    R5: ergo.Constant.from_byte_array(
      cidToBytes(request.batchCid, 'batchCid', [CidCodec.DagCbor]),
    ).encode_to_base16(),
    R6: ergo.Constant.from_i64(ergo.I64.from_str(String(request.sequence))).encode_to_base16(),
  };
}

/** Whether `box` holds the marker token (exactly the one unit there is). */
export function holdsMarker(box: Pick<ErgoBoxJson, 'assets'>, tokenId: string): boolean {
  return box.assets.some((asset) => asset.tokenId === tokenId && toBigInt(asset.amount) === 1n);
}

/**
 * The anchor in `box`: only when it holds the marker token and its registers have the anchor's
 * types and sizes; anything else (the minting box, a look-alike) is undefined.
 */
export function decodeAnchorBox(
  box: Pick<ErgoBoxJson, 'assets' | 'additionalRegisters'>,
  tokenId: string,
): AnchorRequest | undefined {
  if (!holdsMarker(box, tokenId)) return undefined;
  const { R4, R5, R6 } = box.additionalRegisters;
  if (R4 === undefined || R5 === undefined || R6 === undefined) return undefined;
  try {
    const root = ergo.Constant.decode_from_base16(R4).to_byte_array();
    const cid = ergo.Constant.decode_from_base16(R5).to_byte_array();
    const sequence = BigInt(ergo.Constant.decode_from_base16(R6).to_i64().to_str());
    if (root.length !== 32 || sequence < 0n || sequence > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return {
      sequence: Number(sequence),
      root: toHex(root),
      batchCid: cidBytesToText(cid, 'R5', [CidCodec.DagCbor]),
    };
  } catch (error) {
    // ergo-lib throws strings/Errors for a register of another type; protocol errors for a bad CID.
    if (isProtocolError(error) || typeof error === 'string' || error instanceof Error) return undefined;
    throw error;
  }
}
