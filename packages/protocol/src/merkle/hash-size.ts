/** Bytes in a Merkle node: a SHA-256 digest. */
export const MERKLE_HASH_SIZE = 32;
