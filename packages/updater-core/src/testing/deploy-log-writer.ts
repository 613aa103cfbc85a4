/**
 * Test support for the deploy log's tx-files: a writer with a fresh client identity and group,
 * naming fixed Ergo blocks, and a relay test double that keeps the files it is sent and answers
 * their CID (or fails, or answers another CID, while told to).
 */
import { cidForBytes, createGroup, generateIdentity } from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { OutboxError } from '@anchorpost/relay-core';
import type { DeployLogWriter, TxFileSubmitter } from '../deploy-log-anchoring.ts';

export interface DeployLogWriterForTests {
  readonly writer: DeployLogWriter;
  /** The group's keys, to open the files with. */
  readonly keys: GroupKeys;
  readonly client: PrivateIdentity;
}

export async function deployLogWriterForTests(): Promise<DeployLogWriterForTests> {
  const client = await generateIdentity('modern');
  const { keys } = await createGroup('modern', [client.public]);
  return {
    keys,
    client,
    writer: {
      group: keys,
      client,
      blockchain: () =>
        Promise.resolve({
          lastblock: { height: 1_200_010, signature: 'a'.repeat(64) },
          trustedblock: { height: 1_200_000, signature: 'b'.repeat(64) },
        }),
    },
  };
}

/** A relay test double: keeps what it is sent and answers its CID, or fails while told to. */
export class TxFileRelayTestDouble implements TxFileSubmitter {
  readonly received: Uint8Array[] = [];
  readonly cids: string[] = [];
  failing = false;
  answer: string | undefined;

  async submit(bytes: Uint8Array): Promise<{ cid: string }> {
    if (this.failing) throw new OutboxError('UNAVAILABLE', 'relay down');
    this.received.push(bytes);
    const cid = await cidForBytes(bytes);
    this.cids.push(cid);
    return { cid: this.answer ?? cid };
  }
}
