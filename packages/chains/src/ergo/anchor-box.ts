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
import { CidCodec, cidToBytes, fromHex } from '@anchorpost/protocol';
import * as ergo from 'ergo-lib-wasm-nodejs';
import type { AnchorRequest } from '../anchor-request.ts';

export { decodeAnchorBox, holdsMarker } from './anchor-box-reading.ts';

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
