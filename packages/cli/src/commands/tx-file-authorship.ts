/**
 * `anchorpost verify … --tx-file FILE --client-key KEY`: what an auditor with the tx-file's bytes
 * and the client's public key checks besides the proof, with no group secret (ADR 0017): the bytes
 * are the proof's tx-file (their CID is the proof's `txFile`), and the client's signature covers
 * them (v0.2: over the file's public digest). SHA-256/512 and the suite's signature check only.
 */
import {
  cidForBytes,
  DEFAULT_TX_FILE_LIMITS,
  parsePublicKeyFile,
  parseTxFile,
  verifyClientSignature,
  type PublicIdentity,
} from '@anchorpost/protocol';
import { isProofError, parseTxFileProof } from '@anchorpost/sdk';
import { CliError, UsageError } from '../failure.ts';
import { readBounded, readJson } from '../files.ts';

/**
 * Checks `bytes` against the proof's tx-file CID, then the client signature against `clientKey`,
 * and answers the report lines. TX_FILE_MISMATCH (field `--tx-file`) when the bytes are another
 * file; the protocol's codes otherwise (LEGACY_TX_FILE for a v0.1 file, BAD_KEY when the key is
 * not the file's client, BAD_SIGNATURE).
 */
export async function txFileAuthorship(
  proofTxFile: string,
  bytes: Uint8Array,
  clientKey: PublicIdentity,
): Promise<string> {
  const cid = await cidForBytes(bytes);
  if (cid !== proofTxFile) {
    throw new CliError(
      'TX_FILE_MISMATCH',
      '--tx-file',
      `the file's CID is ${cid}, the proof is for ${proofTxFile}`,
    );
  }
  const tx = parseTxFile(bytes);
  verifyClientSignature(tx, clientKey);
  return [
    `  tx-file: the file given hashes to ${cid}`,
    `  from client ${tx.client.id}: its signature verifies over the file's public digest (v${tx.version}; no group secret needed)`,
    '',
  ].join('\n');
}

/**
 * The `--tx-file` / `--client-key` options of `verify` (both or neither, one proof): the report
 * lines of txFileAuthorship for the proof JSON `proof`, or '' when they are not given.
 */
export async function txFileAuthorshipOption(
  values: { 'tx-file'?: string | undefined; 'client-key'?: string | undefined },
  proofs: readonly string[],
  usage: string,
): Promise<string> {
  const txFilePath = values['tx-file'];
  const clientKeyPath = values['client-key'];
  if (txFilePath === undefined && clientKeyPath === undefined) return '';
  if (txFilePath === undefined || clientKeyPath === undefined || proofs.length !== 1) {
    throw new UsageError(`--tx-file and --client-key go together, with one proof; usage: ${usage}`);
  }
  let proofTxFile: string;
  try {
    proofTxFile = parseTxFileProof(await readJson(proofs[0]!, 'proof')).txFile;
  } catch (error) {
    throw isProofError(error) ? new CliError(error.code, error.field, error.message) : error;
  }
  const bytes = await readBounded(txFilePath, DEFAULT_TX_FILE_LIMITS.maxBytes, '--tx-file');
  const clientKey = parsePublicKeyFile(await readJson(clientKeyPath, '--client-key'), '--client-key');
  return txFileAuthorship(proofTxFile, bytes, clientKey);
}
