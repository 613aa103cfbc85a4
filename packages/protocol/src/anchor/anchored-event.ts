/**
 * The EVM anchor contract's `Anchored(bytes32 indexed root, string batchCid, uint64 indexed
 * sequence, address indexed submitter)` event, decoded from a log's topics and data with plain
 * arithmetic (no ABI library), so the proof verifier reads it in browsers too. The anchorer's
 * chain adapter decodes with this same function.
 */

/** keccak256("Anchored(bytes32,string,uint64,address)"): topic0 of every anchor log. */
export const ANCHORED_EVENT_TOPIC = '0x19dc45e5e12442454ca114af5146a05d6cf84de5289d69098809545a38dfe53c';

export interface AnchoredEventFields {
  /** 64 lower-case hex, no 0x. */
  readonly root: string;
  readonly batchCid: string;
  readonly sequence: number;
  /** 0x-prefixed lower-case address. */
  readonly submitter: string;
}

const WORD_HEX = 64;
const TOPIC_RE = /^0x[0-9a-fA-F]{64}$/;
const DATA_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/**
 * The event's fields, or undefined for anything else: another event, a malformed log, a string
 * that is not UTF-8, a sequence beyond 2^53. The caller checks the emitting contract.
 */
export function decodeAnchoredEvent(
  topics: readonly string[],
  data: string,
): AnchoredEventFields | undefined {
  if (topics.length !== 4 || topics[0]?.toLowerCase() !== ANCHORED_EVENT_TOPIC) return undefined;
  if (!topics.every((topic) => TOPIC_RE.test(topic)) || !DATA_RE.test(data)) return undefined;
  const batchCid = abiString(data.slice(2));
  const sequence = BigInt(topics[2]!);
  if (batchCid === undefined || sequence > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return {
    root: topics[1]!.slice(2).toLowerCase(),
    batchCid,
    sequence: Number(sequence),
    submitter: `0x${topics[3]!.slice(26).toLowerCase()}`,
  };
}

/** ABI `(string)`: a head word with the offset, then the length word and the bytes there. */
function abiString(hex: string): string | undefined {
  const word = (at: number): bigint | undefined =>
    at + WORD_HEX <= hex.length ? BigInt(`0x${hex.slice(at, at + WORD_HEX)}`) : undefined;
  const offset = word(0);
  if (offset === undefined || offset * 2n > BigInt(hex.length)) return undefined;
  const lengthAt = Number(offset) * 2;
  const length = word(lengthAt);
  const bytesAt = lengthAt + WORD_HEX;
  if (length === undefined || BigInt(bytesAt) + length * 2n > BigInt(hex.length)) return undefined;
  const bytes = new Uint8Array(Number(length));
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = Number.parseInt(hex.slice(bytesAt + 2 * i, bytesAt + 2 * i + 2), 16);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
