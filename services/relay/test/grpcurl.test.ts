// The relay's gRPC API as grpcurl, the gRPC ecosystem's curl, calls it from the .proto files
// alone: a tenant's API key in the `authorization` metadata sends a tx-file and reads its receipt,
// and a call without one gets the documented UNAUTHENTICATED answer with its trailers. The
// server's reflection lists the service too. Skips without grpcurl (scripts/install-grpcurl.sh).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, parseTxFile, toBase64 } from '@anchorpost/protocol';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';
import { runTool, standardToolForTests } from './standard-tool.ts';

const PROTO_ROOT = join(import.meta.dirname, '..', '..', '..', 'proto');
const SERVICE = 'anchorpost.relay.v1.RelayService';

interface Receipt {
  version: number;
  cid: string;
  recipientHash: string;
  acceptedAt: string;
  sequence: string;
  relayKeyId: string;
  signature: string;
}

const grpcurl = await standardToolForTests('grpcurl', 'ANCHORPOST_GRPCURL_BIN', 'scripts/install-grpcurl.sh');

if ('skip' in grpcurl) {
  it('grpcurl against the relay', { skip: grpcurl.skip }, () => undefined);
} else {
  const bin = grpcurl.bin;
  describe('grpcurl against the relay', { timeout: 120_000 }, () => {
    let f: RelayServiceFixture;
    let address: string;

    /** grpcurl over plaintext (loopback) with the .proto files, `headers` as metadata, `request` as JSON on stdin. */
    const call = (method: string, request: object, headers: string[] = [], more: string[] = []) =>
      runTool(
        bin,
        [
          '-plaintext',
          '-import-path',
          PROTO_ROOT,
          '-proto',
          'anchorpost/relay/v1/relay_service.proto',
          ...headers.flatMap((header) => ['-H', header]),
          ...more,
          '-d',
          '@',
          address,
          `${SERVICE}/${method}`,
        ],
        JSON.stringify(request),
      );

    before(async () => {
      f = await openRelayServiceFixture();
      address = f.service.urls.grpc!;
    });
    after(() => f.close());

    it('sends a tx-file with the API key as metadata and reads its receipt back', async () => {
      const bytes = await f.txFile('sent by grpcurl');
      const cid = await cidForBytes(bytes);
      const sent = await call(
        'SubmitTxFile',
        { txFile: toBase64(bytes) },
        [`authorization: Bearer ${f.apiKey}`],
        ['-emit-defaults'],
      );
      assert.equal(sent.status, 0, sent.stderr);
      const { receipt, duplicate } = JSON.parse(sent.stdout) as { receipt: Receipt; duplicate: boolean };
      assert.equal(duplicate, false);
      assert.equal(receipt.cid, cid);
      assert.equal(receipt.recipientHash, parseTxFile(bytes).recipient.sha512hash);
      // proto3 JSON writes a uint64 as a string.
      assert.match(receipt.sequence, /^[0-9]+$/);

      const again = await call('GetReceipt', { cid }, [`authorization: Bearer ${f.apiKey}`]);
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual((JSON.parse(again.stdout) as { receipt: Receipt }).receipt, receipt);
      // The same receipt as HTTP answers, field for field.
      const http = (await (await fetch(`${f.service.urls.http!}/v1/receipts/${cid}`)).json()) as {
        receipt: Omit<Receipt, 'sequence'> & { sequence: number };
      };
      assert.deepEqual({ ...http.receipt, sequence: String(http.receipt.sequence) }, receipt);
    });

    it('is refused UNAUTHENTICATED without a key, with the documented message and trailers', async () => {
      const bytes = await f.txFile('no key');
      const refused = await call('SubmitTxFile', { txFile: toBase64(bytes) }, [], ['-v']);
      // grpcurl exits with 64 + the status code: UNAUTHENTICATED is 16.
      assert.equal(refused.status, 64 + 16, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /Code: Unauthenticated\n\s*Message: missing or invalid credentials\n/);
      assert.match(refused.stdout, /^anchorpost-error-code: UNAUTHENTICATED$/m);
      assert.match(refused.stdout, /^anchorpost-error-retryable: false$/m);
      assert.match(refused.stdout, /^x-request-id: \S+$/m);
      // A made-up key is the same answer.
      const madeUp = await call('SubmitTxFile', { txFile: toBase64(bytes) }, [
        `authorization: Bearer apk_0123456789abcdef_${'A'.repeat(43)}`,
      ]);
      assert.equal(madeUp.status, 64 + 16, madeUp.stderr);
      assert.match(madeUp.stderr, /Message: missing or invalid credentials/);
    });

    it('lists the relay service through the server reflection, with no .proto at hand', async () => {
      const listed = await runTool(bin, ['-plaintext', address, 'list']);
      assert.equal(listed.status, 0, listed.stderr);
      assert.ok(listed.stdout.split('\n').includes(SERVICE), listed.stdout);
    });
  });
}
