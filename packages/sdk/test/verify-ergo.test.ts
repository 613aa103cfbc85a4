/**
 * verifyTxFile with an Ergo endpoint, in Node: a proof anchored on the Ergo node test double (its
 * own process) is fetched from the proof API double and verified under trust roots naming the
 * anchorer's marker; forged Ergo anchors (another transaction, another block, a stranger's
 * trust roots) are refused with the verifier's codes. test/browser.test.ts runs the same in Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isProofError, verifyTxFile } from '../src/index.ts';
import type { ErgoAnchorProof } from '../src/index.ts';
import { forgedErgoAnchor, startErgoStage, type ErgoStage } from './ergo-stage.ts';
import { startProofStage, type ProofStage } from './proof-api-double.ts';

let stage: ProofStage;
let ergo: ErgoStage;

before(async () => {
  stage = await startProofStage();
  ergo = await startErgoStage();
});

after(async () => {
  await ergo.close();
  await stage.close();
});

/** The proof with its Ergo anchor changed by `forgery`, published in its place. */
function publishForged(forgery: Partial<ErgoAnchorProof>): void {
  stage.publish(forgedErgoAnchor(ergo.proof, forgery));
}

async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(isProofError(error), String(error));
  return `${error.code} ${error.field}`;
}

describe(
  'verifyTxFile with an Ergo endpoint (the Ergo node test double, its own process)',
  { timeout: 180_000 },
  () => {
    const verify = (trust = ergo.trust) =>
      verifyTxFile(ergo.proof.txFile, { proofApi: stage.api, trust, chains: { ergo: ergo.url } });

    it('verifies a proof with an Ergo anchor under trust roots naming its marker', async () => {
      stage.publish(ergo.proof);
      const verified = await verify();
      assert.equal(verified.txFile, ergo.proof.txFile);
      assert.equal(verified.trusted, 'trust-roots');
      assert.equal(verified.lowerBound, 'on-chain');
      const [anchor] = verified.anchors;
      assert.ok(anchor?.chain === 'ergo');
      assert.equal(anchor.txId, (ergo.proof.anchors[0] as { txId: string }).txId);
      assert.ok(anchor.confirmations >= 1);
    });

    it('refuses forged Ergo anchors with their codes', async () => {
      try {
        publishForged({ txId: 'ef'.repeat(32) });
        assert.equal(await refusal(verify()), 'ANCHOR_NOT_FOUND anchors[0].txId');
        publishForged({ headerId: '12'.repeat(32) });
        assert.equal(await refusal(verify()), 'NOT_CANONICAL anchors[0].headerId');
        stage.publish(ergo.proof);
        const stranger = { ...ergo.trust, ergo: [{ ...ergo.trust.ergo[0]!, tokenId: 'cd'.repeat(32) }] };
        assert.equal(await refusal(verify(stranger)), 'UNTRUSTED_ANCHOR anchors[0].tokenId');
      } finally {
        stage.publish(ergo.proof);
      }
    });
  },
);
