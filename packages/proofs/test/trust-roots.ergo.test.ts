/**
 * Ergo anchors under trust roots, on the Ergo node test double: the platform mints its marker and
 * anchors; a stranger mints a marker of their own and anchors a root over CIDs of their choosing.
 * Both proofs hold on the chain; only the platform's holds under the platform's trust roots. The
 * mint check needs the node's extra index, and says so when it is missing or behind. The proofs'
 * trustedblock is a real block of the double: the lower time bound is checked on the same node.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErgoNodeClient, ErgoWallet } from '@anchorpost/chains';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import type { ErgoDevnet } from '@anchorpost/ergo-devnet';
import { cidForBytes } from '@anchorpost/protocol';
import { Mnemonic } from 'ethers';
import { ProofError } from '../src/proof-error.ts';
import { ergoAnchoredProof, newErgoAnchorer, type ErgoAnchorer } from '../src/testing/ergo-proof.ts';
import { parseTrustRoots } from '../src/trust-roots.ts';
import type { TrustRoots } from '../src/trust-roots.ts';
import type { TxFileProof } from '../src/tx-file-proof.ts';
import { verifyProof } from '../src/verify-proof.ts';

type Anchorer = ErgoAnchorer;

async function fails(promise: Promise<unknown>, code: string, field: string): Promise<ProofError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProofError, String(error));
  assert.equal(error.code, code, error.toLine());
  assert.equal(error.field, field, error.toLine());
  return error;
}

/** A node in front of the double whose extra index is missing, or stuck at height 1. */
async function startIndexlessNode(upstream: string, mode: 'no-index' | 'lagging'): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path.startsWith('/blockchain/')) {
      const lagging = mode === 'lagging' && path === '/blockchain/indexedHeight';
      response.writeHead(lagging ? 200 : 404, { 'content-type': 'application/json' });
      response.end(lagging ? JSON.stringify({ indexedHeight: 1, fullHeight: 1 }) : '{"error":404}');
      return;
    }
    void fetch(upstream + path).then(async (answer) => {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('verifyProof of Ergo anchors under trust roots (Ergo node test double)', () => {
  let devnet: ErgoDevnet;
  let client: ErgoNodeClient;
  let platform: Anchorer;
  let stranger: Anchorer;
  let trust: TrustRoots;
  let platformProof: TxFileProof;
  let strangerProof: TxFileProof;
  const servers: Server[] = [];

  const newAnchorer = (): Promise<Anchorer> =>
    newErgoAnchorer(
      devnet,
      ErgoWallet.fromMnemonic({ mnemonic: Mnemonic.fromEntropy(randomBytes(16)).phrase, network: 'testnet' }),
    );

  const anchoredProof = (anchorer: Anchorer, entries: readonly string[]): Promise<TxFileProof> =>
    ergoAnchoredProof(devnet, anchorer, entries);

  const cids = (label: string) =>
    Promise.all([1, 2, 3].map((i) => cidForBytes(new TextEncoder().encode(`${label} tx-file ${i}`))));
  const options = (extra: { trust?: TrustRoots; url?: string } = {}) => ({
    evmRpcUrls: {},
    ergoNodeUrls: { testnet: extra.url ?? devnet.url },
    trust: extra.trust ?? trust,
  });

  before(async () => {
    devnet = await startErgoDevnet();
    client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
    platform = await newAnchorer();
    stranger = await newAnchorer();
    trust = platform.trust;
    platformProof = await anchoredProof(platform, await cids('platform'));
    // The stranger's chosen CIDs include one the platform really anchored.
    strangerProof = await anchoredProof(stranger, [platformProof.txFile, ...(await cids('stranger'))]);
  });
  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await devnet.close();
  });

  it("accepts the platform's anchor: its marker, minted by the trusted transaction", async () => {
    const verified = await verifyProof(platformProof, options());
    assert.equal(verified.trusted, 'trust-roots');
    assert.equal(verified.lowerBound, 'on-chain');
    const bound = platformProof.timeBound.notBefore!;
    const header = (await client.header(bound.blockId!))!;
    assert.deepEqual(verified.timeBound.notBefore, {
      height: bound.height,
      blockId: bound.blockId,
      time: new Date(header.timestamp).toISOString(),
    });
    const [anchor] = verified.anchors;
    assert.ok(anchor?.chain === 'ergo');
    assert.equal(anchor.mint?.txId, platform.marker.txId);
    assert.ok(anchor.mint.height <= anchor.height);
  });

  it('TRUSTEDBLOCK_NOT_ON_CHAIN for a trustedblock the chain does not hold there, even with acceptNoLowerBound', async () => {
    const bound = platformProof.timeBound.notBefore!;
    for (const notBefore of [
      { ...bound, blockId: 'ab'.repeat(32) },
      { ...bound, height: bound.height - 1 },
      { ...bound, height: devnet.height + 100 },
    ]) {
      const lying = { ...platformProof, timeBound: { ...platformProof.timeBound, notBefore } };
      const error = await fails(
        verifyProof(lying, options()),
        'TRUSTEDBLOCK_NOT_ON_CHAIN',
        'timeBound.notBefore.blockId',
      );
      assert.equal(error.retryable, false);
      // Accepting a proof without a lower bound is not accepting a false one.
      await fails(
        verifyProof(lying, { ...options(), acceptNoLowerBound: true }),
        'TRUSTEDBLOCK_NOT_ON_CHAIN',
        'timeBound.notBefore.blockId',
      );
    }
  });

  it("UNTRUSTED_ANCHOR for the stranger's own marker, though the chain holds its anchor", async () => {
    const claimed = await verifyProof(strangerProof, {
      ...options(),
      trust: undefined,
      trustProofClaims: true,
    });
    assert.equal(claimed.trusted, 'proof-claims');
    const error = await fails(
      verifyProof(strangerProof, options()),
      'UNTRUSTED_ANCHOR',
      'anchors[0].tokenId',
    );
    assert.match(error.message, /is not in the trust roots of ergo-platform/);
    const mainnet = parseTrustRoots({ ...trust, ergo: [{ ...trust.ergo[0]!, network: 'mainnet' }] });
    await fails(
      verifyProof(platformProof, options({ trust: mainnet })),
      'UNTRUSTED_ANCHOR',
      'anchors[0].chainId',
    );
  });

  it('UNTRUSTED_ANCHOR when the trusted mint is another transaction, or none', async () => {
    const otherMint = parseTrustRoots({
      ...trust,
      ergo: [{ ...trust.ergo[0]!, mintTxId: stranger.marker.txId }],
    });
    const error = await fails(
      verifyProof(platformProof, options({ trust: otherMint })),
      'UNTRUSTED_ANCHOR',
      'anchors[0].tokenId',
    );
    assert.match(error.message, /does not mint/);
    const noMint = parseTrustRoots({ ...trust, ergo: [{ ...trust.ergo[0]!, mintTxId: 'ab'.repeat(32) }] });
    const missing = await fails(
      verifyProof(platformProof, options({ trust: noMint })),
      'UNTRUSTED_ANCHOR',
      'anchors[0].tokenId',
    );
    assert.match(missing.message, /is not on the chain/);
  });

  it('RPC_ERROR (retryable) from a node without the extra index, or with one behind the anchor', async () => {
    for (const [mode, message] of [
      ['no-index', /no extra index/],
      ['lagging', /extra index is at height 1/],
    ] as const) {
      const server = await startIndexlessNode(devnet.url, mode);
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = await fails(
        verifyProof(platformProof, options({ url })),
        'RPC_ERROR',
        'anchors[0].tokenId',
      );
      assert.match(error.message, message);
      assert.equal(error.retryable, true);
      // Trusting the proof's claims needs no extra index, as before.
      await verifyProof(platformProof, { ...options({ url }), trust: undefined, trustProofClaims: true });
    }
  });
});
