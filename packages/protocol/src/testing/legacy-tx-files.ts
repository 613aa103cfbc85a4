/**
 * v0.1 transaction-files, made the old way, for tests that show what still reads them (the parser,
 * members opening) and what refuses them (the relay, LEGACY_TX_FILE). Never used to write a real
 * file: new files are v0.2 (buildTxFile).
 */
import { toBase64 } from '../bytes.ts';
import { getSuite } from '../crypto/suites.ts';
import { buildTxFile, type BuildTxFileInput } from '../tx-file/build.ts';
import { LEGACY_TX_FILE_VERSION, type TxFile } from '../tx-file/schema.ts';
import { legacyAfterStateMessage } from '../tx-file/signature.ts';
import { computeAfterState } from '../tx-file/state.ts';

/**
 * The file buildTxFile would make, as v0.1: the version is in the bytes the after-state covers,
 * so the after-state is computed again, and every party signs `"anchorpost/v1/after-state" ‖ after`.
 */
export function buildLegacyTxFile(input: BuildTxFileInput): TxFile {
  const tx: TxFile = { ...buildTxFile(input), version: LEGACY_TX_FILE_VERSION };
  const suite = getSuite(tx.suite);
  tx.state = { ...tx.state, after: computeAfterState(tx, input.group.secret) };
  const message = legacyAfterStateMessage(tx.state.after);
  tx.client = { ...tx.client, signature: toBase64(suite.sign(input.client.signing, message)) };
  tx.sender = tx.sender.map((sender, i) => ({
    ...sender,
    signature: toBase64(suite.sign(input.senders[i]!.signing, message)),
  }));
  return tx;
}
