/**
 * The SDK's browser entries in headless Chromium (`@anchorpost/sdk/browser-app`,
 * `@anchorpost/sdk/browser`), bundled from source with esbuild and driven by playwright-core:
 * a relay receipt checked (and a tampered one refused), a client key and a group made in the
 * browser, a tx-file built there that opens in Node and one built in Node that opens there, and a
 * proof fetched from a proof API and verified against anvil, and one anchored on the Ergo node
 * double (its own process) verified against it, a forged Ergo anchor refused. The page is served on 127.0.0.1 (a
 * secure context, as WebCrypto needs), which forwards /v1/* to the proof API double, /rpc to
 * anvil and /ergo/* to the Ergo double. Skipped without Chromium unless required (./browser/chromium.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import {
  cidForBytes,
  getSuite,
  parsePrivateKeyFile,
  parsePublicKeyFile,
  serializeTxFile,
  toBase64,
  toPrivateKeyFile,
  toPublicKeyFile,
  type SuiteName,
} from '@anchorpost/protocol';
import { generateRelayKey, loadRelayKey, signReceipt } from '@anchorpost/relay-core/receipts';
import { buildGroupTxFile, joinGroup, newIdentity, newGroup, openGroupTxFile } from '../src/index.ts';
import type { PrivateIdentity } from '../src/index.ts';
import { chromiumSkip, launchChromium } from './browser/chromium.ts';
import type { Steps } from './browser/harness.ts';
import { forgedErgoAnchor, startErgoStage, type ErgoStage } from './ergo-stage.ts';
import { startProofStage, type ProofStage } from './proof-api-double.ts';

interface SigningVector {
  suite: SuiteName;
  client: { encryption: string; signing: string; signingPrivate: string; id: string };
  sender: { signing: string };
  file: string;
  signedMessage: string;
  senderSignature: string;
  refused: Array<{ file: string; code: string; field: string }>;
}

interface VoteVector {
  suite: SuiteName;
  voterKey: { signing: string };
  signingBytes: string;
  signature: string;
}

let stage: ProofStage;
let ergo: ErgoStage;
let browser: Browser;
let server: Server;
let page: Page;

/** Runs one harness step in the page. */
async function inPage<K extends keyof Steps>(
  name: K,
  ...args: Parameters<Steps[K]>
): Promise<Awaited<ReturnType<Steps[K]>>> {
  return page.evaluate(
    ([step, stepArgs]) => {
      const steps = (
        globalThis as unknown as { SdkHarness: { steps: Record<string, (...a: unknown[]) => unknown> } }
      ).SdkHarness.steps;
      return steps[step]!(...stepArgs);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<Steps[K]>>>;
}

/** The page's origin: an empty page, /v1/* forwarded to the proof API, /rpc to anvil, /ergo/* to the Ergo double. */
async function serve(): Promise<string> {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    const target = path.startsWith('/v1/')
      ? `${stage.api}${path}`
      : path === '/rpc'
        ? stage.fixture.rpcUrl
        : path.startsWith('/ergo/')
          ? `${ergo.url}${path.slice('/ergo'.length)}`
          : undefined;
    if (target === undefined) {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>SDK</title>');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = request.method === 'POST' ? Buffer.concat(chunks) : undefined;
      const headers = { 'content-type': request.headers['content-type'] ?? 'application/json' };
      fetch(target, { method: request.method ?? 'GET', headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const type = answer.headers.get('content-type') ?? 'application/json';
          response
            .writeHead(answer.status, { 'content-type': type })
            .end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: unknown) => response.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fromJson = (key: { suite: SuiteName; encryption: string; signing: string }) => ({
  suite: key.suite,
  encryption: new Uint8Array(Buffer.from(key.encryption, 'base64')),
  signing: new Uint8Array(Buffer.from(key.signing, 'base64')),
});

const publicJson = (identity: PrivateIdentity) => ({
  suite: identity.public.suite,
  encryption: toBase64(identity.public.encryption),
  signing: toBase64(identity.public.signing),
});

describe("the SDK's browser entries in Chromium", { skip: chromiumSkip, timeout: 300_000 }, () => {
  before(async () => {
    stage = await startProofStage();
    ergo = await startErgoStage();
    browser = await launchChromium();
    const origin = await serve();
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('browser/harness.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      globalName: 'SdkHarness',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  });

  after(async () => {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await ergo.close();
    await stage.close();
  });

  it("checks a relay's receipt with WebCrypto, refusing a tampered one and another file's", async () => {
    const relay = loadRelayKey(generateRelayKey().pkcs8Der);
    const pem = relay.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const hex = Buffer.from(relay.publicKeyRaw).toString('hex');
    const cid = stage.anchored.entries[0]!;
    const fields = {
      version: 1 as const,
      cid,
      recipientHash: 'ab'.repeat(64),
      acceptedAt: new Date().toISOString(),
      sequence: 7,
    };
    const receipt = signReceipt(fields, relay);
    const other = loadRelayKey(generateRelayKey().pkcs8Der)
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    assert.deepEqual(
      [
        await inPage('checkReceipt', receipt, cid, pem),
        await inPage('checkReceipt', receipt, cid, hex),
        await inPage('checkReceipt', { ...receipt, sequence: 8 }, cid, pem),
        await inPage('checkReceipt', { ...receipt, recipientHash: 'cd'.repeat(64) }, cid, pem),
        await inPage('checkReceipt', receipt, cid, other),
        await inPage('checkReceipt', receipt, stage.anchored.entries[1]!, pem),
      ],
      ['ok', 'ok', 'BAD_RECEIPT_SIGNATURE', 'BAD_RECEIPT_SIGNATURE', 'BAD_RECEIPT_SIGNATURE', 'CID_MISMATCH'],
    );
  });

  for (const suite of ['modern', 'rsa-4096'] as const) {
    it(`${suite}: makes a client key and builds a tx-file Node opens, and opens the one Node built`, async () => {
      const browserKey = await inPage('newIdentity', suite);
      const nodeMember = await newIdentity(suite);
      // Its key files, as `anchorpost keys new` writes them, read in Node; Node's read in Chromium.
      const files = await inPage('keyFiles');
      assert.deepEqual(parsePublicKeyFile(files.public), fromJson(browserKey));
      assert.deepEqual(parsePrivateKeyFile(files.private).public, fromJson(browserKey));
      const nodeKeyFile = toPrivateKeyFile(nodeMember);
      assert.equal(await inPage('readPrivateKeyFile', nodeKeyFile), nodeKeyFile.id);
      const halves = { ...nodeKeyFile, encryption: (files.private as { encryption: string }).encryption };
      assert.equal(await inPage('readPrivateKeyFile', halves), 'BAD_KEY');
      const bundle = await newGroup([nodeMember.public, fromJson(browserKey)]);
      const nodeSide = joinGroup(JSON.parse(JSON.stringify(bundle)), nodeMember);
      const joined = await inPage('join', JSON.parse(JSON.stringify(bundle)));
      assert.deepEqual(joined, { recipient: nodeSide.recipient, members: nodeSide.members });
      assert.equal(nodeSide.members[1], browserKey.id);

      // Built in Node, opened (decrypted, every signature checked) in Chromium.
      const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
      const blockchain = { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') };
      const fromNode = await buildGroupTxFile(nodeSide, {
        blockchain,
        message: { data: new TextEncoder().encode('from Node') },
      });
      const nodeBytes = toBase64(fromNode.bytes);
      assert.deepEqual(await inPage('open', nodeBytes, publicJson(nodeMember)), {
        data: 'from Node',
        verified: true,
        senders: 1,
      });
      // One byte of the data's ciphertext changed (the file re-serialized so it still parses).
      const tampered = fromNode.tx.message.data.ciphertext.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
      const altered = {
        ...fromNode.tx,
        message: { ...fromNode.tx.message, data: { ...fromNode.tx.message.data, ciphertext: tampered } },
      };
      assert.equal(
        await inPage('open', toBase64(serializeTxFile(altered)), publicJson(nodeMember)),
        'DECRYPT_FAILED',
      );
      // Another sender's signature put on it: BAD_SIGNATURE, as in Node.
      const other = await buildGroupTxFile(nodeSide, { blockchain, message: { data: new Uint8Array([1]) } });
      const forged = {
        ...fromNode.tx,
        sender: [{ ...fromNode.tx.sender[0]!, signature: other.tx.sender[0]!.signature }],
      };
      assert.equal(
        await inPage('open', toBase64(serializeTxFile(forged)), publicJson(nodeMember)),
        'BAD_SIGNATURE',
      );
      // Another client key than the one that signed: BAD_KEY (its id is not the file's client.id).
      assert.equal(await inPage('open', nodeBytes, publicJson(await newIdentity(suite))), 'BAD_KEY');

      // Built in Chromium, opened in Node with the browser's client key; its CID is Node's.
      const fromBrowser = await inPage('build', 'from Chromium');
      const bytes = new Uint8Array(Buffer.from(fromBrowser.bytes, 'base64'));
      assert.equal(fromBrowser.cid, await cidForBytes(bytes));
      const opened = openGroupTxFile(bytes, nodeSide, fromJson(browserKey));
      assert.equal(new TextDecoder().decode(opened.message.data), 'from Chromium');
      assert.equal(new TextDecoder().decode(opened.message.header), 'from Chromium');
      assert.equal(opened.client.verified, true);

      // A group made in Chromium opens in Node.
      const browserBundle = await inPage('newGroup', [publicJson(nodeMember), browserKey]);
      assert.deepEqual(joinGroup(browserBundle, nodeMember).members, [nodeSide.members[0], browserKey.id]);
    });
  }

  it('checks the published rsa-4096 test vectors with WebCrypto, refusing each forgery as Node does', async () => {
    const vectors = JSON.parse(
      await readFile(new URL('../../protocol/test-vectors/tx-file-signing-v2.json', import.meta.url), 'utf8'),
    ) as { cases: SigningVector[] };
    const rsa = vectors.cases.find((c) => c.suite === 'rsa-4096')!;
    const keyFile = toPublicKeyFile(fromJson({ suite: 'rsa-4096', ...rsa.client }));
    assert.equal(keyFile.id, rsa.client.id);
    assert.equal(await inPage('checkSigner', rsa.file, keyFile), 'client rsa-4096');
    for (const refused of rsa.refused) {
      assert.equal(await inPage('checkSigner', refused.file, keyFile), `${refused.code} ${refused.field}`);
    }
    const message = Buffer.from(rsa.signedMessage, 'hex').toString('base64');
    assert.equal(
      await inPage('verifies', 'rsa-4096', rsa.sender.signing, message, rsa.senderSignature),
      true,
    );
    assert.equal(
      await inPage('verifies', 'rsa-4096', rsa.client.signing, message, rsa.senderSignature),
      false,
    );
    // The published private key (PKCS#8) signs in Chromium; Node's rsa-4096 suite verifies it.
    const signed = await inPage('sign', 'rsa-4096', rsa.client.signingPrivate, message);
    const signing = new Uint8Array(Buffer.from(rsa.client.signing, 'base64'));
    const bytes = new Uint8Array(Buffer.from(rsa.signedMessage, 'hex'));
    assert.equal(
      getSuite('rsa-4096').verify(signing, bytes, new Uint8Array(Buffer.from(signed, 'base64'))),
      true,
    );

    const votes = JSON.parse(
      await readFile(new URL('../../protocol/test-vectors/voting-v1.json', import.meta.url), 'utf8'),
    ) as { signatures: { cases: VoteVector[] } };
    const vote = votes.signatures.cases.find((c) => c.suite === 'rsa-4096')!;
    const voteBytes = Buffer.from(vote.signingBytes, 'hex');
    const check = (bytes: Buffer) =>
      inPage('verifies', 'rsa-4096', vote.voterKey.signing, bytes.toString('base64'), vote.signature);
    assert.equal(await check(voteBytes), true);
    voteBytes[voteBytes.length - 1]! ^= 1;
    assert.equal(await check(voteBytes), false);
  });

  it('verifies a proof fetched from the proof API against anvil, and refuses too few confirmations', async () => {
    const cid = stage.anchored.entries[2]!;
    assert.equal(await inPage('verify', cid), `ok ${cid} trust-roots`);
    assert.equal(await inPage('verify', cid, 10_000), 'TOO_FEW_CONFIRMATIONS');
  });

  it('verifies a proof with an Ergo anchor against the Ergo node double, and refuses a forged anchor', async () => {
    const cid = ergo.proof.txFile;
    stage.publish(ergo.proof);
    assert.equal(await inPage('verifyErgo', cid, ergo.trust), `ok ${cid} trust-roots ergo`);
    stage.publish(forgedErgoAnchor(ergo.proof, { txId: 'ef'.repeat(32) }));
    assert.equal(await inPage('verifyErgo', cid, ergo.trust), 'ANCHOR_NOT_FOUND anchors[0].txId');
    stage.publish(ergo.proof);
  });
});
