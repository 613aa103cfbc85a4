/**
 * `@anchorpost/protocol/tx-file-web` agrees with the Node pieces it stands beside: the signing
 * message computed with WebCrypto's SHA-512 is the one the suites sign, and a key's fingerprint
 * from the portable key bytes is `fingerprint`'s.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  buildTxFile,
  createGroup,
  fingerprint,
  generateIdentity,
  serializeTxFile,
  txFileSigningMessage,
} from '../src/index.ts';
import { parseTxFile, publicKeyBytes, txFileSigningMessageWeb } from '../src/tx-file-web.ts';

describe('@anchorpost/protocol/tx-file-web', () => {
  it('computes the signing message and key fingerprints the Node way', async () => {
    const [client, sender] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
    const { keys } = await createGroup('modern', [sender.public]);
    const bytes = serializeTxFile(
      buildTxFile({
        group: keys,
        senders: [sender],
        client,
        blockchain: {
          lastblock: { height: 1, signature: 'a'.repeat(64) },
          trustedblock: { height: 1, signature: 'b'.repeat(64) },
        },
        message: { data: new Uint8Array([7]) },
      }),
    );
    const tx = parseTxFile(bytes);
    assert.deepEqual(await txFileSigningMessageWeb(tx), txFileSigningMessage(tx));
    const id = createHash('sha256').update(publicKeyBytes(client.public)).digest('hex');
    assert.equal(id, fingerprint(client.public));
  });
});
