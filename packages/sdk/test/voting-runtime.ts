/**
 * One app's side of in-app voting, written once over the SDK's voting functions and run in two
 * places: in Node with `@anchorpost/sdk`, and in Chromium with `@anchorpost/sdk/browser-voting`
 * (./browser/voting-harness.ts). Every step takes and answers JSON-safe values, so the contract
 * (./voting-contract.ts) drives both alike. Nothing here reaches a Node built-in.
 */
import { parseTrustRoots } from '@anchorpost/proofs/verify';
import type { GroupMembership } from '../src/keys-and-groups.ts';
import { ProofApiClient } from '../src/proof-api-client.ts';
import { RelayClient } from '../src/relay-client.ts';
import type { PrivateIdentity } from '@anchorpost/protocol/web';
import type { GroupFilesSource } from '../src/group-files.ts';
import type { votingOn } from '../src/voting.ts';

export const PEOPLE = ['organizer', 'alice', 'bob', 'carol'] as const;
export type Person = (typeof PEOPLE)[number];

/** What differs between the runtimes: reading a key file and joining the group, and the voting entry. */
export interface VotingApi extends ReturnType<typeof votingOn> {
  readKey(file: unknown): Promise<PrivateIdentity>;
  join(bundle: unknown, identity: PrivateIdentity): Promise<GroupMembership>;
}

/** A tally as the contract compares it: totals by title, rejected votes and the Votes file's findings. */
export interface TallySummary {
  readonly totals: Record<string, number>;
  readonly rejected: Array<[cid: string, code: string]>;
  readonly votesFile: { status: string; findings: Array<[code: string, cid: string | undefined]> };
  readonly unverified: string[];
}

const blockchain = {
  lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
  trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
};

const codeOf = (error: unknown): string => (error as { code?: string }).code ?? String(error);

export function votingRuntime(api: VotingApi) {
  const members = new Map<Person, GroupMembership>();
  let source: GroupFilesSource;
  let relay: RelayClient;
  const member = (who: Person): GroupMembership => members.get(who)!;
  return {
    /** Joins every person (their key files), and points at the relay and proof API at `origin`. */
    async setUp(keyFiles: Record<Person, unknown>, bundle: unknown, origin: string, trust: unknown) {
      for (const who of PEOPLE) members.set(who, await api.join(bundle, await api.readKey(keyFiles[who])));
      relay = new RelayClient({ url: `${origin}/relay`, apiKey: 'relay-double' });
      source = {
        proofApi: new ProofApiClient({ url: origin }),
        relay,
        verify: { trust: parseTrustRoots(trust), chains: { evm: `${origin}/rpc` }, acceptNoLowerBound: true },
      };
      return member('organizer').recipient;
    },

    /** The organizer's voting; its CID. */
    async newVoting(question: string, options: string[], deadline: number): Promise<string> {
      const sent = await api.newVoting(
        member('organizer'),
        relay,
        { question, options, deadline },
        { blockchain },
      );
      return sent.cid;
    },

    /** `who` votes `option` in the voting `votingCid` (read from the relay); the vote's CID, or the refusal's code. */
    async castVote(who: Person, votingCid: string, option: string): Promise<string> {
      try {
        return (await api.castVote(member(who), relay, await relay.txFile(votingCid), option, { blockchain }))
          .cid;
      } catch (error) {
        return codeOf(error);
      }
    },

    /** The organizer closes the voting: the Votes file's CID and how many votes it lists, or the code. */
    async close(votingCid: string): Promise<{ cid: string; listed: number } | string> {
      try {
        const closed = await api.closeVoting(member('organizer'), relay, votingCid, source, { blockchain });
        return { cid: closed.cid, listed: closed.listed };
      } catch (error) {
        return codeOf(error);
      }
    },

    /** `who` recounts the voting from anchored data, every proof verified. */
    async tally(who: Person, votingCid: string): Promise<TallySummary> {
      const { tally, unverified } = await api.tallyVoting(votingCid, member(who), source);
      return {
        totals: Object.fromEntries(tally.totals.map((total) => [total.title, total.votes])),
        rejected: tally.rejected.map((vote) => [vote.cid, vote.code]),
        votesFile: {
          status: tally.votesFile.status,
          findings: tally.votesFile.findings.map((finding) => [finding.code, finding.vote?.cid]),
        },
        unverified: unverified.map((file) => `${file.cid} ${file.code}`),
      };
    },
  };
}

export type VotingRuntime = ReturnType<typeof votingRuntime>;
