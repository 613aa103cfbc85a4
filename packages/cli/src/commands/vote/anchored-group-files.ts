/**
 * A group's anchored tx-files, as anyone can fetch and check them: the list from the proof API
 * (`GET /v1/messages?recipient=`), each file's proof (`GET /v1/proofs/{cid}`) verified against the
 * caller's trust roots and chain nodes, and each file's bytes (the relay's `GET /v1/tx-files/{cid}`)
 * checked against its CID. Neither service is trusted: a file whose proof does not verify, or
 * whose bytes are not its CID's, is left out and reported.
 */
import type { TxFileProof, VerifiedProof } from '@anchorpost/sdk';
import { cidForBytes, DEFAULT_TX_FILE_LIMITS } from '@anchorpost/protocol';
import type { AnchoredTxFile } from '@anchorpost/voting';
import { CliError, failureLine, UsageError } from '../../failure.ts';
import { refusal, request, serviceUrl } from '../../http.ts';
import { verifiedProof, type VerifySetup } from '../verify.ts';

export interface GroupSource {
  /** The proof API's base URL. */
  api: string;
  /** A relay's base URL, where the files' bytes are read. */
  relay: string;
  setup: VerifySetup;
  minConfirmations: number;
}

export interface FetchedTxFile {
  cid: string;
  bytes: Uint8Array;
  proof: TxFileProof;
  verified: VerifiedProof;
}

/** A file of the group left out of the recount, and why (an ERROR line's code and message). */
export interface UnverifiedTxFile {
  cid: string;
  code: string;
  message: string;
}

/** The chain the deadline is counted on: `evm:<chain id>` or `ergo:<network>`. */
export interface DeadlineChain {
  chain: 'evm' | 'ergo';
  chainId: string;
}

const PAGE = 1000;

async function json(url: URL): Promise<unknown> {
  const response = await request(url, { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw await refusal(response);
  return response.json();
}

async function listCids(api: string, recipient: string): Promise<string[]> {
  const cids: string[] = [];
  let cursor: string | null = null;
  do {
    const url = serviceUrl(api, '--api', 'v1/messages');
    url.searchParams.set('recipient', recipient);
    url.searchParams.set('limit', String(PAGE));
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const page = (await json(url)) as { items?: { cid?: unknown }[]; cursor?: unknown };
    for (const item of page.items ?? []) if (typeof item.cid === 'string') cids.push(item.cid);
    cursor = typeof page.cursor === 'string' ? page.cursor : null;
  } while (cursor !== null);
  return [...new Set(cids)];
}

/** The bytes of `cid` from the relay, refused unless they are that CID's. */
export async function fetchTxFileBytes(relay: string, cid: string): Promise<Uint8Array> {
  const response = await request(serviceUrl(relay, '--relay', `v1/tx-files/${cid}`), {});
  if (response.status !== 200) throw await refusal(response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > DEFAULT_TX_FILE_LIMITS.maxBytes || (await cidForBytes(bytes)) !== cid) {
    throw new CliError('CID_MISMATCH', 'txFile', `the relay answered other bytes than ${cid}`);
  }
  return bytes;
}

async function fetchOne(source: GroupSource, cid: string): Promise<FetchedTxFile> {
  const proofUrl = serviceUrl(source.api, '--api', `v1/proofs/${cid}`);
  const response = await request(proofUrl, { headers: { accept: 'application/json' } });
  if (response.status === 202) throw new CliError('PENDING', 'proof', 'not anchored yet');
  if (response.status !== 200) throw await refusal(response);
  const { proof, verified } = await verifiedProof(
    await response.json(),
    source.setup,
    source.minConfirmations,
  );
  if (proof.txFile !== cid) throw new CliError('WRONG_PROOF', 'proof.txFile', `a proof of ${proof.txFile}`);
  return { cid, bytes: await fetchTxFileBytes(source.relay, cid), proof, verified };
}

/** Every anchored tx-file of the group whose proof verifies; the others with their reason. */
export async function fetchGroupFiles(
  source: GroupSource,
  recipient: string,
): Promise<{ files: FetchedTxFile[]; unverified: UnverifiedTxFile[] }> {
  const files: FetchedTxFile[] = [];
  const unverified: UnverifiedTxFile[] = [];
  for (const cid of await listCids(source.api, recipient)) {
    try {
      files.push(await fetchOne(source, cid));
    } catch (error) {
      const line = failureLine(error).line;
      const match = /^ERROR (\S+) \S+: (.*)$/.exec(line);
      unverified.push({ cid, code: match?.[1] ?? 'INTERNAL', message: match?.[2] ?? line });
    }
  }
  return { files, unverified };
}

/** `evm:<chain id>` / `ergo:<network>`, or the chain of the voting file's first anchor. */
export function deadlineChainOf(spec: string | undefined, voting: FetchedTxFile | undefined): DeadlineChain {
  if (spec !== undefined) {
    const match = /^(evm|ergo):(\S+)$/.exec(spec);
    if (!match) throw new UsageError('--deadline-chain must be evm:CHAINID or ergo:NETWORK');
    return { chain: match[1] as 'evm' | 'ergo', chainId: match[2]! };
  }
  const first = voting?.verified.anchors[0];
  if (first === undefined)
    throw new CliError('VOTING_NOT_ANCHORED', 'voting', 'the voting file is not anchored yet');
  return { chain: first.chain, chainId: first.chainId };
}

/** The anchor of a file on the deadline chain (its lowest block), if it has one. */
export function anchorOn(
  file: FetchedTxFile,
  chain: DeadlineChain,
): { height: number; head: number } | undefined {
  let best: { height: number; head: number } | undefined;
  for (const anchor of file.verified.anchors) {
    if (anchor.chain !== chain.chain || anchor.chainId !== chain.chainId) continue;
    const height = anchor.chain === 'evm' ? anchor.blockNumber : anchor.height;
    if (best === undefined || height < best.height) best = { height, head: anchor.head };
  }
  return best;
}

/** The files as the recount takes them: those anchored on the deadline chain, at their height there. */
export function onDeadlineChain(
  files: readonly FetchedTxFile[],
  chain: DeadlineChain,
  unverified: UnverifiedTxFile[],
): AnchoredTxFile[] {
  const anchored: AnchoredTxFile[] = [];
  for (const file of files) {
    const anchor = anchorOn(file, chain);
    if (anchor === undefined) {
      unverified.push({
        cid: file.cid,
        code: 'NOT_ON_DEADLINE_CHAIN',
        message: `no verified anchor on ${chain.chain}:${chain.chainId}`,
      });
      continue;
    }
    anchored.push({
      cid: file.cid,
      bytes: file.bytes,
      anchoredHeight: anchor.height,
      batchSequence: file.proof.batch.sequence,
      batchIndex: file.proof.inclusion.index,
    });
  }
  return anchored;
}
