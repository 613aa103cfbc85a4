/**
 * A ledger record whose proof verified is marked proven on its row (PGlite here), and from then on
 * counts as anchored without a request to the proof API, in this process and after a restart; the
 * others are asked again at every pass, with their reason. The proof check itself (the proof API's
 * document verified against the trust roots) is tested in packages/cli's sponsor-ledger-proof test;
 * here it is a test double that answers from a list and counts the questions.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import type { LineAnchoring } from '../src/ledger/ledger-proofs.ts';
import { PostgresSponsorLedger } from '../src/ledger/postgres-sponsor-ledger.ts';
import { unanchoredRecords } from '../src/ledger/proven-records.ts';

let server: EmbeddedPostgres;
let database: Database;

before(async () => {
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
});
after(async () => {
  await database.close();
  await server.stop();
});

/** Test double of LedgerProofs: the CIDs in `anchored` verify; every question is counted. */
class LedgerProofsTestDouble {
  readonly asked: string[] = [];
  readonly #anchored: ReadonlySet<string>;
  constructor(anchored: ReadonlySet<string>) {
    this.#anchored = anchored;
  }
  anchoring(cid: string): Promise<LineAnchoring> {
    this.asked.push(cid);
    return Promise.resolve(
      this.#anchored.has(cid)
        ? { anchored: true }
        : { anchored: false, code: 'PROOF_NOT_FOUND', detail: 'not anchored yet' },
    );
  }
}

async function atRelay(ledger: PostgresSponsorLedger) {
  return (await ledger.ledger('acme')).map((row) => ({ ...row, cid: row.cid! }));
}

it('asks about a record until its proof verifies, then never again, across a restart', async () => {
  for (const [i, cid] of ['bafy-one', 'bafy-two', 'bafy-three'].entries()) {
    await database.prisma.sponsorLedgerRecord.create({
      data: {
        tenant: 'acme',
        digest: `0x${String(i).padStart(64, '0')}`,
        kind: 'line',
        txHash: `0x${String(i).padStart(64, 'a')}`,
        record: Buffer.from([i]),
        cid,
        txFile: Buffer.from([i]),
        stateAfter: 'state',
        submittedAt: new Date(),
      },
    });
  }
  const ledger = new PostgresSponsorLedger(database.prisma);
  const proofs = new LedgerProofsTestDouble(new Set(['bafy-one', 'bafy-three']));

  const first = await unanchoredRecords(await atRelay(ledger), { ledger, proofs });
  assert.deepEqual(
    first.map((r) => [r.cid, r.code]),
    [['bafy-two', 'PROOF_NOT_FOUND']],
  );
  assert.deepEqual(proofs.asked, ['bafy-one', 'bafy-two', 'bafy-three']);

  // A new process on the same database: the proven records are not asked about again.
  const restarted = new PostgresSponsorLedger(database.prisma);
  const afterRestart = new LedgerProofsTestDouble(new Set(['bafy-one', 'bafy-two', 'bafy-three']));
  const second = await unanchoredRecords(await atRelay(restarted), {
    ledger: restarted,
    proofs: afterRestart,
  });
  assert.deepEqual(second, []);
  assert.deepEqual(afterRestart.asked, ['bafy-two']);
  assert.deepEqual(
    (await restarted.ledger('acme')).map((row) => row.proven),
    [true, true, true],
  );

  // Without a proof API nothing new is proven, and what was proven stays so.
  await database.prisma.sponsorLedgerRecord.create({
    data: {
      tenant: 'acme',
      digest: `0x${'4'.padStart(64, '0')}`,
      kind: 'line',
      txHash: `0x${'4'.padStart(64, 'a')}`,
      record: Buffer.from([4]),
      cid: 'bafy-four',
      txFile: Buffer.from([4]),
      stateAfter: 'state',
      submittedAt: new Date(),
    },
  });
  const unchecked = await unanchoredRecords(await atRelay(restarted), {
    ledger: restarted,
    proofs: undefined,
  });
  assert.deepEqual(
    unchecked.map((r) => [r.cid, r.code]),
    [['bafy-four', 'PROOF_NOT_CHECKED']],
  );
});
