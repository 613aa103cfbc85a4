/**
 * The bench's tx-files, built before anything is timed: distinct files (modern suite) spread
 * round-robin over a few recipient groups, one set per phase so that no phase sends a duplicate,
 * each next in the app's state chain in its group (a relay refuses two at one position).
 */
import {
  cidForBytes,
  createGroup,
  generateIdentity,
  parseTxFile,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { StateChains } from '@anchorpost/protocol/testing';

export interface BenchTxFile {
  bytes: Uint8Array;
  cid: string;
  recipientHash: string;
  /** Its position in the app's state chain in the group (the relay keeps one file per position). */
  chainPosition: { clientId: string; stateBefore: string };
}

export interface TxFileFactory {
  /** The recipient hash of each group, in order. */
  recipientHashes: string[];
  build(count: number): Promise<BenchTxFile[]>;
}

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

export async function txFileFactory(options: {
  app: PrivateIdentity;
  groups: number;
  bodyBytes: number;
}): Promise<TxFileFactory> {
  const sender = await generateIdentity('modern');
  const groups = await Promise.all(
    Array.from({ length: options.groups }, async () => (await createGroup('modern', [sender.public])).keys),
  );
  const body = new Uint8Array(options.bodyBytes).fill(42);
  let made = 0;
  const recipientHashes: string[] = [];
  const chains = new StateChains();
  return {
    recipientHashes,
    async build(count) {
      const files: BenchTxFile[] = [];
      for (let i = 0; i < count; i += 1) {
        const group = groups[made % groups.length]!;
        made += 1;
        // Each file is distinct anyway (fresh nonces); the header just makes that obvious.
        const bytes = chains.buildBytes({
          group,
          senders: [sender],
          client: options.app,
          blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
          message: { header: new TextEncoder().encode(`bench ${made}`), data: body },
        });
        const tx = parseTxFile(bytes);
        const recipientHash = tx.recipient.sha512hash;
        const chainPosition = { clientId: tx.client.id, stateBefore: tx.state.before };
        files.push({ bytes, cid: await cidForBytes(bytes), recipientHash, chainPosition });
        if (recipientHashes.length < groups.length && !recipientHashes.includes(recipientHash)) {
          recipientHashes.push(recipientHash);
        }
      }
      return files;
    },
  };
}
