/** The index row of a tx-file: its routing and state-chain fields, parsed from the file's bytes. */
import { parseTxFile } from '@anchorpost/protocol';
import type { TxFileRecord } from '@anchorpost/db-port';

export function toTxFileRecord(
  cid: string,
  bytes: Uint8Array,
  batchSequence: number,
  batchIndex: number,
): TxFileRecord {
  const tx = parseTxFile(bytes);
  return {
    cid,
    batchSequence,
    batchIndex,
    recipientHash: tx.recipient.sha512hash,
    senderHashes: tx.sender.map((sender) => sender.sha512hash),
    clientId: tx.client.id,
    suite: tx.suite,
    stateBefore: tx.state.before,
    stateAfter: tx.state.after,
    size: bytes.byteLength,
    lastblockHeight: tx.blockchain.lastblock.height,
    trustedblockHeight: tx.blockchain.trustedblock.height,
    // The id makes a proof's "sent after" checkable: the verifier finds this block on the chain.
    trustedblockId: tx.blockchain.trustedblock.signature.toLowerCase(),
  };
}
