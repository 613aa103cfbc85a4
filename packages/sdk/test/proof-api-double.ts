/**
 * A test double of the proof API for the SDK's own tests: GET /v1/proofs/{cid} answers the proof
 * the proofs package assembles from the fixture's index (404 with the API's error body when it
 * knows none, 202 for the CIDs told to be pending, or a proof published to it), GET
 * /v1/trust-roots the fixture's roots, GET /v1/messages?recipient= the CIDs listed for it. The
 * real proof API is tested with the SDK in services/proof-api (it cannot be a dependency here: it
 * serves the auditor's page built from this package).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assembleProof, isProofError, type TxFileProof } from '@anchorpost/proofs';
import { startProofFixture } from '@anchorpost/proofs/testing';
import type { FixtureBatch, ProofFixture } from '@anchorpost/proofs/testing';

export interface ProofStage {
  readonly fixture: ProofFixture;
  /** The double's base URL. */
  readonly api: string;
  /** Four anchored tx-files, two confirmations deep. */
  readonly anchored: FixtureBatch;
  /** Two tx-files sealed but not anchored: the double answers 202, as the proof API does. */
  readonly sealed: FixtureBatch;
  /** Answers `proof` for its tx-file from now on (a proof anchored elsewhere: on the Ergo double). */
  publish(proof: TxFileProof): void;
  /** Lists `cids` under `recipient` in GET /v1/messages from now on (in this order, after earlier ones). */
  list(recipient: string, cids: readonly string[]): void;
  close(): Promise<void>;
}

function json(status: number, body: unknown): { status: number; text: string } {
  return { status, text: JSON.stringify(body) };
}

export async function startProofStage(): Promise<ProofStage> {
  const fixture = await startProofFixture();
  const anchored = await fixture.anchoredBatch(4);
  await fixture.chain.mine(2);
  const sealed = await fixture.sealBatch(2);
  const pending = new Set(sealed.entries);
  const published = new Map<string, TxFileProof>();
  const listed = new Map<string, string[]>();
  const answer = async (path: string): Promise<{ status: number; text: string }> => {
    if (path === '/v1/trust-roots') return json(200, fixture.trustRoots);
    if (path.startsWith('/v1/messages?')) {
      const recipient = new URLSearchParams(path.slice(path.indexOf('?'))).get('recipient') ?? '';
      return json(200, { items: (listed.get(recipient) ?? []).map((cid) => ({ cid })) });
    }
    const cid = /^\/v1\/proofs\/([a-z0-9]+)$/.exec(path)?.[1];
    if (cid === undefined)
      return json(404, { error: { code: 'NOT_FOUND', message: 'no route', retryable: false } });
    if (pending.has(cid)) return json(202, { cid, status: 'pending', stage: 'sealed' });
    const proof = published.get(cid);
    if (proof !== undefined) return json(200, proof);
    try {
      return json(200, await assembleProof(fixture.database.index, cid, { head: () => fixture.head() }));
    } catch (error) {
      if (!isProofError(error) || error.code !== 'NOT_FOUND') throw error;
      return json(404, {
        error: { code: 'NOT_FOUND', message: error.message, retryable: false, requestId: 'double-1' },
      });
    }
  };
  const server = createServer((request, response) => {
    const reply = ({ status, text }: { status: number; text: string }): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    answer(request.url ?? '/').then(reply, (error: unknown) => {
      reply(json(500, { error: { code: 'INTERNAL', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fixture,
    api: `http://127.0.0.1:${port}`,
    anchored,
    sealed,
    publish: (proof) => {
      published.set(proof.txFile, proof);
    },
    list: (recipient, cids) => {
      listed.set(recipient, [...(listed.get(recipient) ?? []), ...cids]);
    },
    close: async () => {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await fixture.close();
    },
  };
}
