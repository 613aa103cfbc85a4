/**
 * The SDK's verification against a real stage: a proof fetched from the proof API verifies under
 * the platform's trust roots; tampered and forged proofs are refused with the verifier's codes,
 * claim by claim; the proof API's failures are SdkErrors with stable codes and `retryable`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forgeProof } from '@anchorpost/proofs/testing';
import {
  checkProofClaims,
  isProofError,
  isSdkError,
  parseTrustRoots,
  ProofApiClient,
  verifyOptionsFor,
  verifyTxFile,
} from '../src/index.ts';
import type { TrustRoots, TxFileProof } from '../src/index.ts';
import { startProofStage } from './proof-api-double.ts';
import type { ProofStage } from './proof-api-double.ts';

let stage: ProofStage;
let api: ProofApiClient;
let trust: TrustRoots;

before(async () => {
  stage = await startProofStage();
  api = new ProofApiClient({ url: stage.api });
  trust = parseTrustRoots(await api.trustRoots());
});

after(async () => {
  await stage.close();
});

const chains = () => ({ evm: stage.fixture.rpcUrl });

async function sdkFailure(run: () => Promise<unknown>): Promise<{ code: string; retryable: boolean }> {
  try {
    await run();
  } catch (error) {
    assert.ok(isSdkError(error), String(error));
    return { code: error.code, retryable: error.retryable };
  }
  assert.fail('expected an SdkError');
}

describe('verifyTxFile', { timeout: 120_000 }, () => {
  it("fetches a tx-file's proof and verifies it under the platform's trust roots", async () => {
    const cid = stage.anchored.entries[1]!;
    const verified = await verifyTxFile(cid, {
      proofApi: api,
      trust,
      chains: chains(),
      acceptNoLowerBound: true,
    });
    assert.equal(verified.txFile, cid);
    assert.equal(verified.trusted, 'trust-roots');
    assert.equal(verified.anchors.length, 1);
    assert.ok(verified.anchors[0]!.confirmations >= 3);
    assert.equal(verified.lowerBound, 'not-established');
  });

  it('fails closed without a lower bound unless it is accepted (NO_LOWER_BOUND)', async () => {
    await assert.rejects(
      verifyTxFile(stage.anchored.entries[0]!, { proofApi: stage.api, trust, chains: chains() }),
      (error) => isProofError(error) && error.code === 'NO_LOWER_BOUND',
    );
  });

  it('refuses more confirmations than the anchor has (TOO_FEW_CONFIRMATIONS, retryable)', async () => {
    await assert.rejects(
      verifyTxFile(stage.anchored.entries[0]!, {
        proofApi: stage.api,
        trust,
        chains: chains(),
        acceptNoLowerBound: true,
        minConfirmations: 1000,
      }),
      (error) => isProofError(error) && error.code === 'TOO_FEW_CONFIRMATIONS' && error.retryable,
    );
  });
});

describe('the proof API client', { timeout: 60_000 }, () => {
  it('says NOT_FOUND for a tx-file the platform never accepted, PENDING while one is not anchored', async () => {
    const unknown = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    assert.deepEqual(await sdkFailure(() => api.proof(unknown)), { code: 'NOT_FOUND', retryable: false });
    assert.deepEqual(await sdkFailure(() => api.proof(stage.sealed.entries[0]!)), {
      code: 'PENDING',
      retryable: true,
    });
  });

  it('refuses a CID that is none before asking, and says UNAVAILABLE for an API that is down', async () => {
    assert.deepEqual(await sdkFailure(() => api.proof('../v1/trust-roots')), {
      code: 'INVALID_INPUT',
      retryable: false,
    });
    const down = new ProofApiClient({ url: 'http://127.0.0.1:9', timeoutMs: 2000 });
    assert.deepEqual(await sdkFailure(() => down.proof(stage.anchored.entries[0]!)), {
      code: 'UNAVAILABLE',
      retryable: true,
    });
  });
});

describe('checkProofClaims', { timeout: 120_000 }, () => {
  const options = (proof: unknown) =>
    verifyOptionsFor(proof, { trust, chains: chains(), acceptNoLowerBound: true });

  it('shows every claim of a real proof held, with block, confirmations and sender', async () => {
    const proof = (await api.proof(stage.anchored.entries[2]!)) as TxFileProof;
    const checked = await checkProofClaims(proof, options(proof));
    assert.equal(checked.failure, undefined);
    assert.deepEqual(
      checked.claims.map((claim) => [claim.kind, claim.held]),
      [
        ['inclusion', true],
        ['anchor', true],
        ['time-window', true],
      ],
    );
    const anchor = checked.claims[1]!;
    const claimed = proof.anchors[0]!;
    assert.equal(claimed.chain, 'evm');
    assert.match(anchor.detail, new RegExp(`^block ${claimed.blockNumber}, `));
    assert.match(anchor.detail, /\d+ confirmations/);
    assert.match(anchor.detail, new RegExp(`sent by ${stage.fixture.chain.owner.address.toLowerCase()}`));
  });

  it('shows a tampered inclusion path failed with its reason, and the verdict failed', async () => {
    const proof = (await api.proof(stage.anchored.entries[3]!)) as TxFileProof;
    const path = [...proof.inclusion.path];
    path[0] = path[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const tampered = { ...proof, inclusion: { ...proof.inclusion, path } };
    const checked = await checkProofClaims(tampered, options(tampered));
    assert.equal(checked.verified, undefined);
    assert.equal(checked.failure?.code, 'BAD_INCLUSION');
    const inclusion = checked.claims.find((claim) => claim.kind === 'inclusion')!;
    assert.equal(inclusion.held, false);
    assert.equal(inclusion.code, 'BAD_INCLUSION');
    assert.match(inclusion.detail, /path leads to root/);
  });

  it("shows a stranger's real anchor of a forged batch as UNTRUSTED_ANCHOR, the inclusion itself holding", async () => {
    const { fixture } = stage;
    const forged = await forgeProof(fixture.chain, {
      signer: fixture.chain.stranger,
      entries: stage.anchored.entries,
    });
    const checked = await checkProofClaims(forged, options(forged));
    assert.equal(checked.failure?.code, 'UNTRUSTED_ANCHOR');
    const byKind = new Map(checked.claims.map((claim) => [claim.kind, claim]));
    assert.equal(byKind.get('inclusion')?.held, true);
    assert.equal(byKind.get('anchor')?.held, false);
    assert.equal(byKind.get('anchor')?.code, 'UNTRUSTED_ANCHOR');
    assert.equal(byKind.get('time-window')?.held, false);
  });

  it('shows a document that is no proof as one failed claim', async () => {
    const checked = await checkProofClaims({ version: 4, txFile: 'x' }, { evmRpcUrls: {}, trust });
    assert.deepEqual(
      checked.claims.map((claim) => [claim.kind, claim.held, claim.code]),
      [['proof', false, 'INVALID_PROOF']],
    );
  });
});
