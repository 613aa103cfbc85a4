/**
 * The demo's short vote (seed 001, "In-app voting"), one step after the message, through the
 * SDK as an app would run it: Alice asks the group a question with a deadline a few blocks ahead,
 * Bob and Carol vote, Bob votes again after the deadline block, Alice publishes the Votes file,
 * and the tally is recomputed from the anchored files alone — each file's proof verified — with
 * the late vote rejected and the Votes file checked.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  castVote,
  closeVoting,
  newVoting,
  tallyVoting,
  type BlockRef,
  type GroupFilesSource,
  type GroupMembership,
  type PrivateIdentity,
  type ProofApiClient,
  type RelayClient,
  type SentTxFile,
  type TrustRoots,
} from '@anchorpost/sdk';

export interface ShortVoteSetup {
  say: (line: string) => void;
  relay: RelayClient;
  proofApi: ProofApiClient;
  chain: { rpcUrl: string };
  trust: TrustRoots;
  organizer: GroupMembership;
  voters: { bob: GroupMembership; carol: GroupMembership };
  /** The app that signs every file as the client, and its last after-state in the group. */
  app: PrivateIdentity;
  blockchain: { lastblock: BlockRef; trustedblock: BlockRef };
  before: string;
}

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
  const { say, relay } = setup;
  const source: GroupFilesSource = {
    proofApi: setup.proofApi,
    relay,
    verify: { trust: setup.trust, chains: { evm: setup.chain.rpcUrl }, acceptNoLowerBound: true },
  };
  let before = setup.before;
  /** The app signs every file, each next in its chain in the group. */
  const sending = () => ({ client: setup.app, blockchain: setup.blockchain, before });
  const next = <T extends SentTxFile>(sent: T): T => {
    before = sent.tx.state.after;
    return sent;
  };
  const anchored = (file: { cid: string }) =>
    poll(`the proof of ${file.cid}`, async () => {
      const response = await fetch(`${setup.proofApi.url}/v1/proofs/${file.cid}`);
      return response.status === 200 ? true : null;
    });

  // Far enough ahead for the first votes to be anchored on a loaded machine (a block a second here).
  const deadline = (await head(setup.chain.rpcUrl)) + 12;
  const voting = next(
    await newVoting(
      setup.organizer,
      relay,
      { question: 'Lunch on Friday: where?', options: ['Pizza', 'Sushi'], deadline },
      sending(),
    ),
  );
  say(
    `a short vote: Alice asks "where?" (Pizza or Sushi), deadline block ${deadline}: voting file ${voting.cid}`,
  );
  const votingBytes = await relay.txFile(voting.cid);
  const vote = async (voter: GroupMembership, title: string) =>
    next(await castVote(voter, relay, votingBytes, title, sending()));
  const bob = await vote(setup.voters.bob, 'Pizza');
  const carol = await vote(setup.voters.carol, 'Sushi');
  say(
    `Bob votes Pizza (${bob.cid}), Carol votes Sushi (${carol.cid}): each vote signed over this voting, voter and option`,
  );
  await Promise.all([voting, bob, carol].map(anchored));
  await poll('the deadline block', async () => ((await head(setup.chain.rpcUrl)) > deadline ? true : null));
  const late = await vote(setup.voters.bob, 'Sushi');
  say(`block ${deadline} is past; Bob votes again, Sushi (${late.cid})`);
  await anchored(late);

  const votesFile = next(await closeVoting(setup.organizer, relay, voting.cid, source, sending()));
  say(
    `Alice publishes the Votes file (canonical XML, ${votesFile.listed} votes anchored by block ${deadline}) as a file of the group: ${votesFile.cid}`,
  );
  await anchored(votesFile);
  const { tally } = await tallyVoting(voting.cid, setup.voters.carol, source);
  say(
    `recounted from the anchored files, every proof verified: ${tally.totals.map((total) => `${total.title} ${total.votes}`).join(', ')}`,
  );
  for (const rejected of tally.rejected)
    say(`  not counted: ${rejected.cid} ${rejected.code}: ${rejected.message}`);
  say(
    `  the Votes file is ${tally.votesFile.status} with the anchored votes (\`anchorpost vote tally\` runs this recount from a shell)`,
  );
}
