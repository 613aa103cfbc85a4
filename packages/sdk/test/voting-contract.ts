/**
 * In-app voting end to end, one list of cases for every runtime (./voting-runtime.ts: Node and
 * Chromium): the app creates two votings and casts votes through the SDK; Node plays the platform
 * (each batch of files sealed, anchored on anvil, indexed and listed by the proof API double) and
 * the attacker (a vote copied from the other voting, a vote for an option the voting lacks, a Votes
 * file that omits an anchored vote). The app then closes and recounts from anchored data, every
 * proof verified: the double vote, the late vote, the unknown option and the copied vote are
 * rejected with their stable codes, and the omission is detected.
 */
import assert from 'node:assert/strict';
import {
  cidForBytes,
  parseTxFile,
  serializeTxFile,
  tallyFromVoteFiles,
  toPrivateKeyFile,
  type TxFile,
} from '@anchorpost/protocol';
import { VoteRejectionCode, VotesFileFindingCode } from '@anchorpost/voting';
import { copiedVoteTx, votesTx, voteTx, votingWorld } from '../../voting/test/voting-fixture.ts';
import type { ProofStage } from './proof-api-double.ts';
import type { Person, VotingRuntime } from './voting-runtime.ts';

/** The relay as the contract needs it: the bytes of every file sent, by CID. */
export interface RelayDouble {
  store(bytes: Uint8Array): Promise<string>;
  bytes(cid: string): Uint8Array;
}

export interface VotingStage {
  readonly proofs: ProofStage;
  readonly relay: RelayDouble;
  /** Where the runtime finds the proof API (/v1), anvil (/rpc) and the relay (/relay). */
  readonly origin: string;
}

export async function votingContract(runtime: VotingRuntime, stage: VotingStage): Promise<void> {
  const { fixture } = stage.proofs;
  const world = await votingWorld();
  const people: Record<Person, unknown> = {
    organizer: toPrivateKeyFile(world.organizer),
    alice: toPrivateKeyFile(world.alice),
    bob: toPrivateKeyFile(world.bob),
    carol: toPrivateKeyFile(world.carol),
  };
  const trust: unknown = JSON.parse(JSON.stringify(fixture.trustRoots));
  const recipient = await runtime.setUp(
    people,
    JSON.parse(JSON.stringify(world.bundle)),
    stage.origin,
    trust,
  );
  /** The platform's part: one batch of `cids`, anchored in the next block; that block's height. */
  const anchor = async (cids: string[]): Promise<number> => {
    const batch = await fixture.sealBatch(cids.length, { entries: cids });
    const at = await fixture.anchorOnChain(batch);
    await fixture.recordAnchor(batch, at);
    stage.proofs.list(recipient, cids);
    return at.blockNumber;
  };
  const sendByHand = async (tx: TxFile): Promise<string> => stage.relay.store(serializeTxFile(tx));

  const deadline = (await fixture.head()) + 20;
  const a = await runtime.newVoting('Lunch on Friday?', ['Pizza', 'Sushi'], deadline);
  const b = await runtime.newVoting('Dinner on Friday?', ['Pizza', 'Sushi'], deadline);
  await anchor([a, b]);
  const alice = await runtime.castVote('alice', a, 'Pizza');
  const bob = await runtime.castVote('bob', a, 'Sushi');
  const double = await runtime.castVote('alice', a, 'Sushi');
  assert.equal(await runtime.castVote('carol', a, 'Tacos'), 'UNKNOWN_OPTION', 'refused before it is sent');
  const inB = await runtime.castVote('carol', b, 'Sushi');
  const [votingA, votingB] = [parseTxFile(stage.relay.bytes(a)), parseTxFile(stage.relay.bytes(b))];
  const copied = await sendByHand(copiedVoteTx(world, world.carol, votingA, votingB, 'Sushi'));
  const unknown = await sendByHand(voteTx(world, world.carol, votingA, 'Tacos'));
  assert.ok((await anchor([alice, bob, double, copied, unknown, inB])) <= deadline);
  assert.equal(await runtime.close(a), 'VOTING_OPEN', 'the deadline block is not passed');

  await fixture.chain.mine(deadline - (await fixture.head()));
  const late = await runtime.castVote('carol', a, 'Sushi');
  assert.equal(await anchor([late]), deadline + 1);
  const closed = await runtime.close(a);
  assert.ok(typeof closed === 'object', JSON.stringify(closed));
  assert.equal(closed.listed, 5, 'every on-time vote naming the voting, valid or not');
  const omitting = await sendByHand(votesTx(world, tallyFromVoteFiles(votingB.state.after, deadline, [])));
  await anchor([closed.cid, omitting]);

  assert.deepEqual(await runtime.tally('bob', a), {
    totals: { Pizza: 1, Sushi: 1 },
    rejected: [
      [double, VoteRejectionCode.DoubleVote],
      [copied, VoteRejectionCode.VoteNotForThisVoting],
      [unknown, VoteRejectionCode.UnknownOption],
      [late, VoteRejectionCode.LateVote],
    ],
    votesFile: { status: 'consistent', findings: [] },
    unverified: [],
  });
  assert.deepEqual(await runtime.tally('carol', b), {
    totals: { Pizza: 0, Sushi: 1 },
    rejected: [],
    votesFile: { status: 'inconsistent', findings: [[VotesFileFindingCode.OmitsVote, inB]] },
    unverified: [],
  });
}

/** The relay double: stores what is posted to /v1/tx-files (no receipt signature) and serves it by CID. */
export function relayDouble(): RelayDouble & {
  answer(
    method: string,
    path: string,
    body: Uint8Array,
  ): Promise<{ status: number; body: Uint8Array | string }>;
} {
  const files = new Map<string, Uint8Array>();
  let sequence = 0;
  const store = async (bytes: Uint8Array): Promise<string> => {
    const cid = await cidForBytes(bytes);
    files.set(cid, bytes);
    return cid;
  };
  return {
    store,
    bytes: (cid) => files.get(cid)!,
    async answer(method, path, body) {
      if (method === 'POST' && path === '/v1/tx-files') {
        const cid = await store(body);
        const receipt = { version: 1, cid, acceptedAt: new Date().toISOString(), sequence: sequence++ };
        return { status: 202, body: JSON.stringify({ receipt, duplicate: false }) };
      }
      const file = files.get(path.slice('/v1/tx-files/'.length));
      return file === undefined
        ? { status: 404, body: '{"error":{"code":"NOT_FOUND"}}' }
        : { status: 200, body: file };
    },
  };
}
