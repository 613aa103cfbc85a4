/**
 * Reading the anchor box (layout in anchor-box.ts) without ergo-lib: its registers are decoded by
 * the protocol's portable Sigma decoders, so the proof verifier reads anchors in browsers too.
 */
import {
  CidCodec,
  cidBytesToText,
  decodeCollByteRegister,
  decodeLongRegister,
  isProtocolError,
  toHex,
} from '@anchorpost/protocol/portable';
import type { AnchorRequest } from '../anchor-request.ts';
import { toBigInt } from './ergo-json.ts';
import type { ErgoBoxJson } from './node-types.ts';

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
  const root = decodeCollByteRegister(R4);
  const cid = decodeCollByteRegister(R5);
  const sequence = decodeLongRegister(R6);
  if (root === undefined || cid === undefined || sequence === undefined) return undefined;
  if (root.length !== 32 || sequence < 0n || sequence > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  try {
    return {
      sequence: Number(sequence),
      root: toHex(root),
      batchCid: cidBytesToText(cid, 'R5', [CidCodec.DagCbor]),
    };
  } catch (error) {
    // A register of the right type whose bytes are no dag-cbor CID: not an anchor.
    if (isProtocolError(error)) return undefined;
    throw error;
  }
}
