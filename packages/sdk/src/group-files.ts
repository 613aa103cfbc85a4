/**
 * A group's anchored tx-files, as anyone in it can fetch and check them: the list from the proof
 * API (`GET /v1/messages?recipient=`), each file's proof verified against the caller's trust roots
 * and chain nodes, and each file's bytes (the relay's `GET /v1/tx-files/{cid}`) checked against its
 * CID. Neither service is trusted: a file whose proof does not verify, or whose bytes are not its
 * CID's, is left out and reported with its code.
 */
import { AnchorpostError } from '@anchorpost/protocol/portable';
import {
  parseTxFileProof,
  verifyProof,
  type TxFileProof,
  type VerifiedProof,
} from '@anchorpost/proofs/verify';
import type { AnchoredTxFile } from '@anchorpost/voting/web';
import type { ProofApiClient } from './proof-api-client.ts';
import type { RelayClient } from './relay-client.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { verifyOptionsFor, type VerifyTxFileOptions } from './verify-tx-file.ts';

export interface GroupFilesSource {
  readonly proofApi: ProofApiClient;
  /** Where the files' bytes are read (no API key needed). */
  readonly relay: Pick<RelayClient, 'txFile'>;
  /** What each proof is verified against: trust roots, chain nodes, confirmations. */
  readonly verify: Omit<VerifyTxFileOptions, 'proofApi'>;
}

export interface FetchedTxFile {
  readonly cid: string;
  readonly bytes: Uint8Array;
  readonly proof: TxFileProof;
  readonly verified: VerifiedProof;
}

/** A file of the group left out, and why. */
export interface UnverifiedTxFile {
  readonly cid: string;
  readonly code: string;
  readonly message: string;
}

/** The chain a voting's deadline is counted on: `evm` and a chain id, or `ergo` and a network. */
export interface DeadlineChain {
  readonly chain: 'evm' | 'ergo';
  readonly chainId: string;
}

/** The code to report for a failure: the API's own when it gave one, else the error's. */
function codeOf(error: unknown): string {
  if (error instanceof SdkError) return error.apiCode ?? error.code;
  if (error instanceof AnchorpostError) return String(error.code);
  return 'INTERNAL';
}

/** One file: its proof fetched and verified, its bytes fetched and checked. */
export async function fetchVerifiedTxFile(source: GroupFilesSource, cid: string): Promise<FetchedTxFile> {
  const document = await source.proofApi.proof(cid);
  const proof = parseTxFileProof(document);
  if (proof.txFile !== cid) {
    throw new SdkError(SdkErrorCode.WrongProof, `asked for the proof of ${cid}, got one of ${proof.txFile}`, {
      field: 'proof.txFile',
    });
  }
  const verified = await verifyProof(proof, verifyOptionsFor(proof, source.verify));
  return { cid, bytes: await source.relay.txFile(cid), proof, verified };
}

/** Every anchored tx-file of the group whose proof verifies; the others with their reason. */
export async function fetchGroupFiles(
  source: GroupFilesSource,
  recipient: string,
): Promise<{ files: FetchedTxFile[]; unverified: UnverifiedTxFile[] }> {
  const files: FetchedTxFile[] = [];
  const unverified: UnverifiedTxFile[] = [];
  for (const cid of await source.proofApi.messages(recipient)) {
    try {
      files.push(await fetchVerifiedTxFile(source, cid));
    } catch (error) {
      unverified.push({ cid, code: codeOf(error), message: (error as Error).message });
    }
  }
  return { files, unverified };
}

/** The file's anchor on `chain` (its lowest block), with that chain's head when it was verified. */
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

/** The files as a recount takes them: those anchored on the deadline chain, at their height there. */
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
        code: SdkErrorCode.NotOnDeadlineChain,
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
