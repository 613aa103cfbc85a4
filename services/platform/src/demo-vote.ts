/**
 * The demo's short vote (seed 001, "In-app voting"), one step after the message: Alice asks the
 * group a question with a deadline a few blocks ahead, Bob and Carol vote, Bob votes again after
 * the deadline block, Alice publishes the Votes file, and the tally is recomputed from the anchored
 * files alone — each file's proof verified — with the late vote rejected and the Votes file checked.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyProof, type TrustRoots, type TxFileProof } from '@anchorpost/proofs';
import {
  buildTxFile,
  parseTxFile,
  serializeTxFile,
  tallyFromVoteFiles,
  type BuildTxFileInput,
  type GroupKeys,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { tallyAnchoredVoting, votesFileMessage, type AnchoredTxFile } from '@anchorpost/voting';

export interface ShortVoteSetup {
  say: (line: string) => void;
  relay: string;
  api: string;
  apiKey: string;
  chain: { rpcUrl: string; chainId: number };
  trust: TrustRoots;
  keys: GroupKeys;
  /** The group bundle's member ids. */
  members: readonly string[];
  organizer: PrivateIdentity;
  voters: { bob: PrivateIdentity; carol: PrivateIdentity };
  /** The app that signs every file as the client, and its last after-state in the group. */
  app: PrivateIdentity;
  before: string;
}

const encoder = new TextEncoder();

/** `probe` every 250 ms until it answers (not null), for at most `timeoutMs`. */
export async function poll<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function head(rpcUrl: string): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

export async function runShortVote(setup: ShortVoteSetup): Promise<void> {
  const { say } = setup;
  let before = setup.before;
  /** Builds, signs (as the app, next in its chain) and sends one file; answers its CID and bytes. */
  const send = async (
    sender: PrivateIdentity,
    content: Pick<BuildTxFileInput, 'message' | 'voting' | 'vote'>,
  ): Promise<{ cid: string; bytes: Uint8Array; after: string }> => {
    const tx = buildTxFile({
      group: setup.keys,
      senders: [sender],
      client: setup.app,
      before,
      blockchain: {
        lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
        trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
      },
      ...content,
    });
    const bytes = serializeTxFile(tx);
    const response = await fetch(`${setup.relay}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', authorization: `Bearer ${setup.apiKey}` },
      body: bytes,
    });
    if (!response.ok) throw new Error(`the relay refused a vote step with ${response.status}`);
    const { receipt } = (await response.json()) as { receipt: { cid: string } };
    before = tx.state.after;
    return { cid: receipt.cid, bytes, after: tx.state.after };
  };
  /** Waits for the file's proof, verifies it, and places the file at its anchor's block. */
  const anchored = async (file: { cid: string; bytes: Uint8Array }): Promise<AnchoredTxFile> => {
    const proof = await poll(`the proof of ${file.cid}`, async () => {
      const response = await fetch(`${setup.api}/v1/proofs/${file.cid}`);
      return response.status === 200 ? ((await response.json()) as TxFileProof) : null;
    });
    const verified = await verifyProof(proof, {
      evmRpcUrls: { [String(setup.chain.chainId)]: setup.chain.rpcUrl },
      trust: setup.trust,
      acceptNoLowerBound: true,
    });
    const evm = verified.anchors.find((anchor) => anchor.chain === 'evm');
    if (evm?.chain !== 'evm') throw new Error(`${file.cid} has no EVM anchor`);
    const { cid, bytes } = file;
    return {
      cid,
      bytes,
      anchoredHeight: evm.blockNumber,
      batchSequence: proof.batch.sequence,
      batchIndex: proof.inclusion.index,
    };
  };

  // Far enough ahead for the first votes to be anchored on a loaded machine (a block a second here).
  const deadline = (await head(setup.chain.rpcUrl)) + 12;
  const voting = await send(setup.organizer, {
    message: { data: encoder.encode('Lunch on Friday: where?') },
    voting: {
      secret: crypto.getRandomValues(new Uint8Array(32)),
      lastblock: deadline,
      options: ['Pizza', 'Sushi'].map((title) => ({ title: encoder.encode(title) })),
    },
  });
  say(
    `a short vote: Alice asks "where?" (Pizza or Sushi), deadline block ${deadline}: voting file ${voting.cid}`,
  );
  const vote = (voter: PrivateIdentity, title: string) =>
    send(voter, {
      message: { data: encoder.encode(title) },
      vote: { voting: voting.after, optionTitle: encoder.encode(title) },
    });
  const bob = await vote(setup.voters.bob, 'Pizza');
  const carol = await vote(setup.voters.carol, 'Sushi');
  say(
    `Bob votes Pizza (${bob.cid}), Carol votes Sushi (${carol.cid}): each vote signed over this voting, voter and option`,
  );
  const onTime = await Promise.all([voting, bob, carol].map(anchored));
  await poll('the deadline block', async () => ((await head(setup.chain.rpcUrl)) > deadline ? true : null));
  const late = await vote(setup.voters.bob, 'Sushi');
  say(`block ${deadline} is past; Bob votes again, Sushi (${late.cid})`);
  const lateFile = await anchored(late);

  const votes = tallyFromVoteFiles(
    voting.after,
    deadline,
    onTime.slice(1).map((file) => ({
      vote: parseTxFile(file.bytes).vote!,
      anchoredHeight: file.anchoredHeight,
      txfile: file.cid,
    })),
  );
  const votesFile = await send(setup.organizer, { message: votesFileMessage(votes) });
  say(
    `Alice publishes the Votes file (canonical XML, ${votes.votes.length} votes anchored by block ${deadline}) as a file of the group: ${votesFile.cid}`,
  );
  const tally = tallyAnchoredVoting({
    group: setup.keys,
    members: setup.members,
    voting: voting.cid,
    files: [...onTime, lateFile, await anchored(votesFile)],
  });
  say(
    `recounted from the anchored files, every proof verified: ${tally.totals.map((total) => `${total.title} ${total.votes}`).join(', ')}`,
  );
  for (const rejected of tally.rejected)
    say(`  not counted: ${rejected.cid} ${rejected.code}: ${rejected.message}`);
  say(
    `  the Votes file is ${tally.votesFile.status} with the anchored votes (\`anchorpost vote tally\` runs this recount from a shell)`,
  );
}
