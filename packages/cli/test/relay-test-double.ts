// A test double of a relay's `POST /v1/tx-files`: an in-process HTTP server that signs a receipt
// with its own relay key for whatever CID the test chooses, so `anchorpost send` can be shown a
// dishonest relay. Nothing is stored or published.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cidForBytes } from '@anchorpost/protocol';
import {
  generateRelayKey,
  loadRelayKey,
  signReceipt,
  type RelayKey,
  type RelayReceipt,
} from '@anchorpost/relay-core';

export interface RelayTestDouble {
  url: string;
  /** The raw Ed25519 public key its receipts verify against. */
  relayPublicKey: Uint8Array;
  /** The bodies received, in order. */
  received: Uint8Array[];
  close(): Promise<void>;
}

/** `receiptCid(sentCid)` names the CID the answered receipt is for (signed either way). */
export async function startRelayTestDouble(
  receiptCid: (sentCid: string) => string | Promise<string>,
): Promise<RelayTestDouble> {
  const key: RelayKey = loadRelayKey(generateRelayKey().pkcs8Der);
  const received: Uint8Array[] = [];
  let sequence = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      (async () => {
        const body = new Uint8Array(Buffer.concat(chunks));
        received.push(body);
        sequence += 1;
        const receipt: RelayReceipt = signReceipt(
          {
            version: 1,
            cid: await receiptCid(await cidForBytes(body)),
            recipientHash: 'ab'.repeat(64),
            acceptedAt: new Date().toISOString(),
            sequence,
          },
          key,
        );
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ receipt, duplicate: false }));
      })().catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'TEST_DOUBLE_FAILED', message: String(error) } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    relayPublicKey: key.publicKeyRaw,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
