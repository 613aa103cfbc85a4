/**
 * One tx-file sent through a running platform and its proof fetched, as `npm run demo` does:
 * a tenant with an API key and a client key, a group of one, the file posted to the relay.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  serializeTxFile,
  toPublicKeyFile,
} from '@anchorpost/protocol';
import type { PrivateIdentity } from '@anchorpost/protocol';
import { newApiKey } from '@anchorpost/relay-core';

export interface DemoTenant {
  readonly apiKey: string;
  readonly client: PrivateIdentity;
  readonly sender: PrivateIdentity;
}

/** Writes the first-start tenants file into `dir` (before the platform starts). */
export async function writeDemoTenant(dir: string): Promise<DemoTenant> {
  const [sender, client] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
  const apiKey = newApiKey().key;
  const tenants = {
    tenants: [
      {
        id: 'demo',
        clientKeys: [toPublicKeyFile(client.public)],
        apiKeys: [{ key: apiKey, scopes: ['submit'] }],
      },
    ],
  };
  await writeFile(join(dir, 'tenants.json'), JSON.stringify(tenants));
  return { apiKey, client, sender };
}

/** Sends a new tx-file; resolves its bytes and CID. */
export async function sendTxFile(
  relay: string,
  tenant: DemoTenant,
  text: string,
): Promise<{ bytes: Uint8Array; cid: string }> {
  const { keys } = await createGroup('modern', [tenant.sender.public]);
  const bytes = serializeTxFile(
    buildTxFile({
      group: keys,
      senders: [tenant.sender],
      client: tenant.client,
      blockchain: {
        lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
        trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
      },
      message: { data: new TextEncoder().encode(text) },
    }),
  );
  const response = await fetch(`${relay}/v1/tx-files`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', authorization: `Bearer ${tenant.apiKey}` },
    body: new Uint8Array(bytes),
  });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`the relay refused the file: ${response.status} ${await response.text()}`);
  }
  const { receipt } = (await response.json()) as { receipt: { cid: string } };
  return { bytes, cid: receipt.cid };
}

/** Polls the proof API until the tx-file's proof is there. */
export async function proofOf(api: string, cid: string, timeoutMs = 120_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${api}/v1/proofs/${cid}`);
    if (response.status === 200) return (await response.json()) as unknown;
    if (Date.now() > deadline) throw new Error(`no proof of ${cid} within ${timeoutMs} ms`);
    await sleep(250);
  }
}
