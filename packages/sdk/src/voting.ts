/**
 * In-app voting (seed 001) for an app: the organizer sends the voting file (question, options,
 * deadline block), members send signed vote files, the organizer publishes the Votes file after
 * the deadline, and anyone in the group recounts from anchored data — every file's proof verified
 * against their own trust roots and chain nodes — with `@anchorpost/voting`'s tally (docs/voting.md).
 */
import {
  fingerprintSteps,
  openTxFileSteps,
  parseTxFile,
  tallyFromVoteFiles,
  type Steps,
} from '@anchorpost/protocol/web';
import { tallyAnchoredVotingSteps, votesFileMessage } from '@anchorpost/voting/web';
import type { AnchoredTally, AnchoredTxFile } from '@anchorpost/voting/web';
import {
  anchorOn,
  fetchGroupFiles,
  onDeadlineChain,
  type DeadlineChain,
  type GroupFilesSource,
  type UnverifiedTxFile,
} from './group-files.ts';
import type { GroupMembership } from './keys-and-groups.ts';
import type { SubmittedTxFile } from './relay-client.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import type { BuiltTxFile, TxFileContent } from './tx-files.ts';

export type { AnchoredTally } from '@anchorpost/voting/web';

/** Where a member's files go: a relay client (HTTP or gRPC). */
export interface TxFileSender {
  submit(bytes: Uint8Array): Promise<SubmittedTxFile>;
}

/** How a file is signed and placed: the app's client key, its chain position, the chain references. */
export type SendingOptions = Pick<TxFileContent, 'client' | 'before' | 'blockchain'>;

export interface SentTxFile extends BuiltTxFile {
  readonly submitted: SubmittedTxFile;
}

/**
 * What voting needs of the platform it runs on: how a tx-file is built, and how the protocol
 * engine's steps are run (node:crypto in Node, WebCrypto in a page). The rules are the same code.
 */
export interface VotingPlatform {
  buildGroupTxFile(from: GroupMembership, content: TxFileContent): Promise<BuiltTxFile>;
  run<T>(steps: Steps<T>): Promise<T>;
}

/** A recount: the tally, the chain the deadline is counted on and its head, and the files left out. */
export interface Recount {
  readonly tally: AnchoredTally;
  readonly chain: DeadlineChain;
  /** The deadline chain's head when the voting file's anchor was verified. */
  readonly head: number;
  readonly files: AnchoredTxFile[];
  readonly unverified: UnverifiedTxFile[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function sendToGroup(
  platform: VotingPlatform,
  from: GroupMembership,
  relay: TxFileSender,
  content: TxFileContent,
): Promise<SentTxFile> {
  const built = await platform.buildGroupTxFile(from, content);
  return { ...built, submitted: await relay.submit(built.bytes) };
}

/** The organizer's voting file: `question`, two or more different option titles, the deadline block. */
async function newVotingOn(
  platform: VotingPlatform,
  organizer: GroupMembership,
  relay: TxFileSender,
  voting: { question: string; options: readonly string[]; deadline: number },
  sending: SendingOptions,
): Promise<SentTxFile> {
  if (voting.options.length < 2 || new Set(voting.options).size !== voting.options.length) {
    throw new SdkError(SdkErrorCode.InvalidInput, 'a voting needs two or more different options', {
      field: 'options',
    });
  }
  return sendToGroup(platform, organizer, relay, {
    ...sending,
    message: { data: encoder.encode(voting.question) },
    voting: {
      // Seed 001: "a random secret that is shared between the voter and the voting organizer".
      secret: crypto.getRandomValues(new Uint8Array(32)),
      lastblock: voting.deadline,
      options: voting.options.map((title) => ({ title: encoder.encode(title) })),
    },
  });
}

/**
 * A member's vote for `option` in the voting `votingBytes` (its file, as read from the relay and
 * checked against its CID), signed over this voting, this voter and this option. NOT_A_VOTING and
 * UNKNOWN_OPTION are refused before anything is sent.
 */
async function castVoteOn(
  platform: VotingPlatform,
  voter: GroupMembership,
  relay: TxFileSender,
  votingBytes: Uint8Array,
  option: string,
  sending: SendingOptions,
): Promise<SentTxFile & { deadline: number }> {
  const votingTx = parseTxFile(votingBytes);
  const voting = (await platform.run(openTxFileSteps(votingTx, { group: voter.group }))).voting;
  if (voting === undefined) {
    throw new SdkError(SdkErrorCode.NotAVoting, 'the file has no voting section', { field: 'voting' });
  }
  const titles = voting.options.map((choice) => decoder.decode(choice.title));
  if (!titles.includes(option)) {
    throw new SdkError(
      SdkErrorCode.UnknownOption,
      `the voting's options are ${titles.map((title) => `"${title}"`).join(', ')}`,
      { field: 'option' },
    );
  }
  const sent = await sendToGroup(platform, voter, relay, {
    ...sending,
    message: { data: encoder.encode(option) },
    vote: { voting: votingTx.state.after, optionTitle: encoder.encode(option) },
  });
  return { ...sent, deadline: voting.lastblock };
}

/**
 * Recounts the voting `votingCid` from the group's anchored files, each proof verified (see
 * ./group-files.ts). The deadline is counted on `deadlineChain`, by default the chain of the voting
 * file's first anchor. The tally says whether the organizer's Votes file lists exactly the
 * anchored votes (`votesFile.status`).
 */
async function tallyVotingOn(
  platform: VotingPlatform,
  votingCid: string,
  member: Pick<GroupMembership, 'group' | 'members' | 'recipient'>,
  source: GroupFilesSource,
  deadlineChain?: DeadlineChain,
): Promise<Recount> {
  const { files, unverified } = await fetchGroupFiles(source, member.recipient);
  const votingFile = files.find((file) => file.cid === votingCid);
  const refused = unverified.find((file) => file.cid === votingCid);
  if (votingFile === undefined && refused !== undefined) {
    throw new SdkError(
      SdkErrorCode.VotingNotAnchored,
      `the voting file ${votingCid}: ${refused.code} ${refused.message}`,
      {
        field: 'voting',
        retryable: refused.code === SdkErrorCode.Pending,
      },
    );
  }
  const first = votingFile?.verified.anchors[0];
  const chain =
    deadlineChain ?? (first === undefined ? undefined : { chain: first.chain, chainId: first.chainId });
  if (chain === undefined) {
    throw new SdkError(SdkErrorCode.VotingNotAnchored, `the voting file ${votingCid} is not anchored yet`, {
      field: 'voting',
    });
  }
  const anchored = onDeadlineChain(files, chain, unverified);
  const tally = await platform.run(
    tallyAnchoredVotingSteps({
      group: member.group,
      members: member.members,
      voting: votingCid,
      files: anchored,
    }),
  );
  // tallyAnchoredVoting found the voting among the anchored files, so it has an anchor on the chain.
  return { tally, chain, head: anchorOn(votingFile!, chain)!.head, files: anchored, unverified };
}

/**
 * Once the deadline chain is past the deadline block (VOTING_OPEN before), the organizer lists
 * every anchored vote of the voting anchored by the deadline — valid or not: the recount decides —
 * in the canonical Votes file, and sends it to the group to be anchored.
 */
async function closeVotingOn(
  platform: VotingPlatform,
  organizer: GroupMembership,
  relay: TxFileSender,
  votingCid: string,
  source: GroupFilesSource,
  sending: SendingOptions & { deadlineChain?: DeadlineChain | undefined },
): Promise<SentTxFile & { recount: Recount; listed: number }> {
  const recount = await tallyVotingOn(platform, votingCid, organizer, source, sending.deadlineChain);
  const { tally, head, files, chain } = recount;
  const { voting } = tally;
  if (head <= voting.lastblock) {
    throw new SdkError(
      SdkErrorCode.VotingOpen,
      `the deadline block ${voting.lastblock} is not passed yet: ${chain.chain}:${chain.chainId} is at block ${head}`,
      { field: 'deadline' },
    );
  }
  const votes = files.flatMap((file) => {
    const vote = parseTxFile(file.bytes).vote;
    return vote?.voting === voting.after
      ? [{ vote, anchoredHeight: file.anchoredHeight, txfile: file.cid }]
      : [];
  });
  const votesFile = tallyFromVoteFiles(voting.after, voting.lastblock, votes);
  const votingTx = parseTxFile(files.find((file) => file.cid === voting.cid)!.bytes);
  const client = sending.client ?? organizer.identity;
  // The organizer's next file in its chain, when the voting was its last one.
  const before =
    sending.before ??
    ((await platform.run(fingerprintSteps(client.public))) === votingTx.client.id
      ? votingTx.state.after
      : undefined);
  const sent = await sendToGroup(platform, organizer, relay, {
    client: sending.client,
    blockchain: sending.blockchain,
    ...(before === undefined ? {} : { before }),
    message: votesFileMessage(votesFile),
  });
  return { ...sent, recount, listed: votesFile.votes.length };
}

type Rest<F> = F extends (platform: VotingPlatform, ...rest: infer R) => unknown ? R : never;

/** The voting functions of `platform` (./voting-node.ts for Node, ./browser-voting.ts for a page). */
export function votingOn(platform: VotingPlatform) {
  return {
    /** The organizer's voting file: `question`, two or more different option titles, the deadline block. */
    newVoting: (...args: Rest<typeof newVotingOn>) => newVotingOn(platform, ...args),
    /** A member's vote for `option`, signed over this voting, this voter and this option. */
    castVote: (...args: Rest<typeof castVoteOn>) => castVoteOn(platform, ...args),
    /** Recounts a voting from the group's anchored files, each proof verified. */
    tallyVoting: (...args: Rest<typeof tallyVotingOn>) => tallyVotingOn(platform, ...args),
    /** After the deadline, the organizer's canonical Votes file, sent to the group. */
    closeVoting: (...args: Rest<typeof closeVotingOn>) => closeVotingOn(platform, ...args),
  };
}
