/**
 * The attack v0.2 signatures stop, as a builder for transports' tests: an outsider who has seen one
 * accepted file (GET /v1/tx-files/{cid}, the delivery stream, IPFS) keeps its `client`,
 * `state.after` and signatures and puts them on other bytes. Under v0.1 the relay's check took it,
 * since those signatures covered only the group-keyed after-state.
 */
import { parseTxFile } from '../tx-file/parse.ts';
import { serializeTxFile } from '../tx-file/serialize.ts';

/**
 * `donor`'s content (key, recipient, message, blockchain, `state.before`, sender keys) under
 * `victim`'s `client`, `state.after` and signatures; both are serialized tx-files. Canonical and
 * well-formed, so only a signature check can refuse it.
 */
export function forgeWithHarvestedSignature(victim: Uint8Array, donor: Uint8Array): Uint8Array {
  const seen = parseTxFile(victim);
  const content = parseTxFile(donor);
  return serializeTxFile({
    ...content,
    client: seen.client,
    state: { before: content.state.before, after: seen.state.after },
    sender: content.sender.map((sender, i) => ({
      ...sender,
      signature: seen.sender[i % seen.sender.length]!.signature,
    })),
  });
}
