/**
 * The Ergo node test double serves the node's endpoints with the node's JSON, accepts what a node
 * accepts — real transactions signed by ergo-lib with EIP-3 keys, chained through the pool — and
 * serves it back through blocks, the UTXO set and the extra index.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as ergo from 'ergo-lib-wasm-nodejs';
import {
  FEE_ERGO_TREE,
  headerId,
  startErgoDevnet,
  transactionsRoot,
  TEST_DOUBLE_NAME,
} from '../src/index.ts';
import type { ErgoDevnet, HeaderJson } from '../src/index.ts';
import {
  boxText,
  FEE,
  fixture,
  get,
  nano,
  outputTo,
  parseExact,
  pay,
  post,
  signRaw,
  walletAt,
} from './helpers.ts';

type Json = Record<string, unknown>;
interface TxJson {
  id: string;
  inputs: { boxId: string; spendingProof: { proofBytes: string; extension: Json }; value?: unknown }[];
  dataInputs: { boxId: string }[];
  outputs: Json[];
  size: number;
}

describe('the Ergo node test double: node endpoints and shapes', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet();
  });
  after(() => devnet.close());

  it('answers /info with the fields of a real node and names itself a test double', async () => {
    const info = (await get(devnet, '/info')).body;
    const real = JSON.parse(fixture('info.json')) as Json;
    assert.deepEqual(Object.keys(info).sort(), Object.keys(real).sort());
    assert.deepEqual(
      Object.keys(info.parameters as Json).sort(),
      Object.keys(real.parameters as Json).sort(),
    );
    assert.equal(info.name, TEST_DOUBLE_NAME);
    assert.match(String(info.appVersion), /test-double/);
    assert.equal(info.network, 'testnet');
    assert.equal(info.fullHeight, devnet.height);
    assert.equal(info.headersHeight, devnet.height);
  });

  it('serves headers like a node: ascending, linked, hashed like real ones, with the fields of the testnet fixture', async () => {
    const headers = (await get<HeaderJson[]>(devnet, '/blocks/lastHeaders/10')).body;
    const real = JSON.parse(fixture('last-headers-10-testnet-141531.json')) as HeaderJson[];
    assert.equal(headers.length, 10);
    assert.deepEqual(Object.keys(headers[0]!), Object.keys(real[0]!));
    for (let i = 1; i < headers.length; i++) {
      assert.equal(headers[i]!.height, headers[i - 1]!.height + 1);
      assert.equal(headers[i]!.parentId, headers[i - 1]!.id);
      assert.ok(headers[i]!.timestamp > headers[i - 1]!.timestamp);
    }
    for (const header of headers) assert.equal(headerId(header), header.id);
    const tip = headers[9]!;
    assert.equal((await get(devnet, '/info')).body.bestFullHeaderId, tip.id);
    assert.deepEqual((await get(devnet, `/blocks/at/${tip.height}`)).body, [tip.id]);
    assert.deepEqual((await get(devnet, `/blocks/at/${tip.height + 1}`)).body, []);
    assert.deepEqual((await get(devnet, `/blocks/${tip.id}/header`)).body, tip);
    assert.equal((await get<unknown[]>(devnet, '/blocks/lastHeaders/3')).body.length, 3);
    const slice = (
      await get<HeaderJson[]>(
        devnet,
        `/blocks/chainSlice?fromHeight=${tip.height - 1}&toHeight=${tip.height}`,
      )
    ).body;
    assert.deepEqual(
      slice.map((h) => h.id),
      [headers[8]!.id, tip.id],
    );
  });

  it('answers unknown things with 404 and malformed ones with 400, in the node error shape', async () => {
    const missing = await get(devnet, `/blocks/${'ab'.repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.body).sort(), ['detail', 'error', 'reason']);
    assert.equal(missing.body.reason, 'not-found');
    assert.equal((await get(devnet, `/utxo/byId/${'cd'.repeat(32)}`)).status, 404);
    assert.equal((await get(devnet, `/blockchain/transaction/byId/${'cd'.repeat(32)}`)).status, 404);
    assert.equal(
      (await get(devnet, `/transactions/unconfirmed/byTransactionId/${'cd'.repeat(32)}`)).status,
      404,
    );
    assert.equal((await get(devnet, '/no/such/route')).status, 404);
    const badId = await get(devnet, '/utxo/byId/not-an-id');
    assert.equal(badId.status, 400);
    assert.equal(badId.body.reason, 'bad.request');
    assert.equal((await get(devnet, '/blocks/lastHeaders/x')).status, 400);
    const notJson = await post(devnet, '/transactions', '{"id":');
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.body.detail), /^Malformed transaction/);
  });

  it('keeps block time strictly increasing on a clock that stands still', async () => {
    const still = await startErgoDevnet({ now: () => 1_700_000_000_000, startHeight: 500 });
    try {
      still.mine(3);
      const headers = (await get<HeaderJson[]>(still, '/blocks/lastHeaders/13')).body;
      assert.equal(headers[0]!.height, 500);
      assert.equal(headers[0]!.timestamp, 1_700_000_000_000);
      for (const [i, header] of headers.entries()) assert.equal(header.timestamp, 1_700_000_000_000 + i);
    } finally {
      await still.close();
    }
  });
});

describe('the Ergo node test double: transactions', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet();
  });
  after(() => devnet.close());

  it('funds an address with a faucet transaction, mined and served like any other', async () => {
    const alice = walletAt(0);
    const box = devnet.fund(alice.base58, 10_000_000_000n);
    assert.equal(box.value, 10_000_000_000);
    assert.equal(box.ergoTree, alice.tree);
    assert.deepEqual((await get(devnet, `/utxo/byId/${box.boxId}`)).body, box);
    const tx = (await get(devnet, `/blockchain/transaction/byId/${box.transactionId}`)).body;
    assert.equal(tx.inclusionHeight, devnet.height);
    const block = (
      await get<{ blockTransactions: { transactions: TxJson[] } }>(devnet, `/blocks/${String(tx.blockId)}`)
    ).body;
    assert.deepEqual(
      block.blockTransactions.transactions.map((t) => t.id),
      [box.transactionId],
    );
    const refused = await post(devnet, '/devnet/fund', JSON.stringify({ address: 'nonsense', value: '1' }));
    assert.equal(refused.status, 400);
    const viaHttp = await post(
      devnet,
      '/devnet/fund',
      JSON.stringify({ address: alice.base58, value: '2000000000' }),
    );
    assert.equal(viaHttp.status, 200);
    assert.equal(viaHttp.body.value, 2_000_000_000);
  });

  it('accepts a signed spend, chains an unconfirmed spend on it, mines both in order, and indexes them', async () => {
    const alice = walletAt(1);
    const bob = walletAt(2);
    const funds = devnet.fund(alice.base58, 10_000_000_000n);
    const first = await pay(devnet, alice, [funds], bob.address, 3_000_000_000n);
    assert.deepEqual((await post(devnet, '/transactions', first.json)).body, first.id);
    // The pool's view: Bob's box exists with the pool, not in the confirmed UTXO set.
    const toBob = outputTo(first, bob.tree);
    assert.equal((await get(devnet, `/utxo/byId/${String(toBob.boxId)}`)).status, 404);
    assert.deepEqual((await get(devnet, `/utxo/withPool/byId/${String(toBob.boxId)}`)).body, toBob);
    const pooled = (await get<TxJson>(devnet, `/transactions/unconfirmed/byTransactionId/${first.id}`)).body;
    assert.equal(pooled.size > 0, true);
    assert.equal(pooled.inputs[0]!.value, 10_000_000_000, 'a pool transaction shows the boxes it spends');
    // Bob spends his unconfirmed box at once: a chained transaction.
    const second = await pay(devnet, bob, [toBob], alice.address, 1_000_000_000n);
    assert.equal((await post(devnet, '/transactions', second.json)).status, 200);
    assert.deepEqual((await get(devnet, '/transactions/unconfirmed/transactionIds')).body, [
      first.id,
      second.id,
    ]);
    assert.equal((await get<unknown[]>(devnet, '/transactions/unconfirmed')).body.length, 2);
    assert.equal((await get(devnet, '/info')).body.unconfirmedCount, 2);

    const [blockId] = devnet.mine(1);
    assert.deepEqual(devnet.mempool(), []);
    const block = (
      await get<{ header: HeaderJson; blockTransactions: { transactions: TxJson[]; headerId: string } }>(
        devnet,
        `/blocks/${blockId!}`,
      )
    ).body;
    const txs = block.blockTransactions.transactions;
    assert.deepEqual(
      txs.map((t) => t.id),
      [first.id, second.id],
    );
    assert.equal(block.blockTransactions.headerId, blockId);
    assert.equal(headerId(block.header), blockId);
    assert.equal(
      transactionsRoot(
        txs.map((t) => ({ id: t.id, proofs: t.inputs.map((i) => i.spendingProof.proofBytes) })),
      ),
      block.header.transactionsRoot,
    );
    // The node's transaction JSON: as signed, plus the size; outputs name their transaction and index.
    const submitted = parseExact(first.json) as TxJson;
    assert.deepEqual(txs[0]!.inputs, submitted.inputs);
    assert.deepEqual(txs[0]!.outputs, submitted.outputs);
    assert.equal(txs[0]!.outputs[0]!.transactionId, first.id);
    assert.equal(typeof txs[0]!.size, 'number');
    assert.deepEqual((await get(devnet, `/blocks/at/${block.header.height}`)).body, [blockId]);

    // The extra index.
    const indexed = (await get(devnet, `/blockchain/transaction/byId/${first.id}`)).body;
    assert.deepEqual(Object.keys(indexed), [
      'id',
      'blockId',
      'inclusionHeight',
      'timestamp',
      'index',
      'globalIndex',
      'numConfirmations',
      'inputs',
      'dataInputs',
      'outputs',
      'size',
    ]);
    assert.equal(indexed.blockId, blockId);
    assert.equal(indexed.inclusionHeight, block.header.height);
    assert.equal(indexed.timestamp, block.header.timestamp);
    assert.equal(indexed.index, 0);
    assert.equal(indexed.numConfirmations, 0, 'the node counts blocks above the inclusion block');
    assert.equal((await get(devnet, `/blockchain/transaction/byId/${second.id}`)).body.index, 1);
    const spentBox = (await get(devnet, `/blockchain/box/byId/${String(toBob.boxId)}`)).body;
    assert.equal(spentBox.spentTransactionId, second.id);
    assert.equal(spentBox.address, bob.base58);
    assert.equal(spentBox.inclusionHeight, block.header.height);
    assert.deepEqual(spentBox.spendingProof, (parseExact(second.json) as TxJson).inputs[0]!.spendingProof);
    assert.equal((await get(devnet, `/utxo/byId/${String(toBob.boxId)}`)).status, 404, 'spent');
    devnet.mine(2);
    assert.equal((await get(devnet, `/blockchain/transaction/byId/${first.id}`)).body.numConfirmations, 2);
    // The wallet's view: unspent boxes by address, newest first.
    const aliceBoxes = await post<Json[]>(
      devnet,
      '/blockchain/box/unspent/byAddress',
      alice.base58,
      'text/plain',
    );
    assert.equal(aliceBoxes.status, 200);
    assert.ok(aliceBoxes.body.length >= 2);
    assert.ok(
      aliceBoxes.body.every((box) => box.address === alice.base58 && box.spentTransactionId === null),
    );
    assert.ok(Number(aliceBoxes.body[0]!.globalIndex) > Number(aliceBoxes.body[1]!.globalIndex));
  });

  it('answers a transaction it already has as a node does: 400, already in the pool / inputs spent', async () => {
    const alice = walletAt(3);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const tx = await pay(devnet, alice, [funds], walletAt(4).address, 1_000_000_000n);
    assert.equal((await post(devnet, '/transactions', tx.json)).status, 200);
    const again = await post(devnet, '/transactions', tx.json);
    assert.equal(again.status, 400);
    assert.match(String(again.body.detail), /already in the mempool/);
    assert.deepEqual((await post(devnet, '/transactions/check', tx.json)).body, tx.id);
    devnet.mine(1);
    const confirmed = await post(devnet, '/transactions', tx.json);
    assert.equal(confirmed.status, 400);
    assert.match(String(confirmed.body.detail), new RegExp(`spent by transaction ${tx.id}`));
  });
});

describe('the Ergo node test double: what a node refuses', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet();
  });
  after(() => devnet.close());

  const refused = async (json: string, detail: RegExp) => {
    const pool = devnet.mempool();
    const answer = await post(devnet, '/transactions', json);
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.body.reason, 'bad.request');
    assert.match(String(answer.body.detail), detail);
    assert.deepEqual(devnet.mempool(), pool, 'nothing pooled');
  };

  it('refuses a signature that does not open the box', async () => {
    const alice = walletAt(10);
    const mallory = walletAt(11);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    // Alice's proof with one byte changed (the id does not cover proofs: only the script check can tell).
    const signed = parseExact(
      (await pay(devnet, alice, [funds], mallory.address, 1_000_000_000n)).json,
    ) as TxJson;
    const proof = signed.inputs[0]!.spendingProof.proofBytes;
    signed.inputs[0]!.spendingProof.proofBytes = `${proof.slice(0, 10)}${proof[10] === '0' ? '1' : '0'}${proof.slice(11)}`;
    await refused(boxText(signed), /^Malformed transaction: .*reduced to false/);
    // A valid signature by the right key, but over another transaction (a proof replayed).
    const other = parseExact(
      (await pay(devnet, alice, [funds], alice.address, 2_000_000_000n)).json,
    ) as TxJson;
    signed.inputs[0]!.spendingProof = other.inputs[0]!.spendingProof;
    await refused(boxText(signed), /reduced to false/);
  });

  it('refuses value from nothing: an inflated output, whether the id is left stale or the whole is re-signed', async () => {
    const alice = walletAt(12);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const good = await pay(devnet, alice, [funds], alice.address, 1_000_000_000n);
    const inflated = parseExact(good.json) as { outputs: { value: number }[] };
    inflated.outputs[0]!.value += 1_000_000_000;
    await refused(
      boxText(inflated),
      /^Malformed transaction: Box id parsed from JSON .* differs from calculated/,
    );
    const outputs = new ergo.ErgoBoxCandidates(
      new ergo.ErgoBoxCandidateBuilder(
        nano(10_000_000_000n),
        ergo.Contract.pay_to_address(alice.address),
        devnet.height,
      ).build(),
    );
    await refused(
      (await signRaw(devnet, alice, [funds], outputs)).json,
      /^Malformed transaction: ERG value not preserved, input amount: 5000000000, output amount: 10000000000/,
    );
  });

  it('refuses a token from nothing, while a mint of the first input id is accepted', async () => {
    const alice = walletAt(13);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const builder = new ergo.ErgoBoxCandidateBuilder(
      nano(4_998_900_000n),
      ergo.Contract.pay_to_address(alice.address),
      devnet.height,
    );
    builder.add_token(
      ergo.TokenId.from_str('cd'.repeat(32)),
      ergo.TokenAmount.from_i64(ergo.I64.from_str('1000')),
    );
    const fee = new ergo.ErgoBoxCandidateBuilder(
      nano(FEE),
      ergo.Contract.new(ergo.ErgoTree.from_base16_bytes(FEE_ERGO_TREE)),
      devnet.height,
    ).build();
    const outputs = new ergo.ErgoBoxCandidates(builder.build());
    outputs.add(fee);
    await refused(
      (await signRaw(devnet, alice, [funds], outputs)).json,
      /^Malformed transaction: Token preservation error for TokenId\("(cd){32}"\), in amount: 0, out_amount: 1000/,
    );
    const mint = await pay(devnet, alice, [funds], alice.address, 1_000_000_000n, {
      mint: { amount: 1000n, name: 'T', description: 'test token', decimals: 0 },
    });
    assert.equal((await post(devnet, '/transactions', mint.json)).status, 200);
  });

  it('refuses spent inputs: a double spend against the pool and against the chain', async () => {
    const alice = walletAt(14);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const first = await pay(devnet, alice, [funds], walletAt(15).address, 1_000_000_000n);
    assert.equal((await post(devnet, '/transactions', first.json)).status, 200);
    const rival = await pay(devnet, alice, [funds], alice.address, 2_000_000_000n);
    await refused(
      rival.json,
      new RegExp(
        `^Double spending attempt: input ${funds.boxId} is already spent by pool transaction ${first.id}`,
      ),
    );
    devnet.mine(1);
    await refused(
      rival.json,
      new RegExp(
        `^Malformed transaction: Input box ${funds.boxId} is not in the UTXO set: spent by transaction ${first.id}`,
      ),
    );
    // A box of Alice's that no transaction ever made.
    const phantom = new ergo.ErgoBox(
      nano(5_000_000_000n),
      1,
      ergo.Contract.pay_to_address(alice.address),
      ergo.TxId.from_str('ef'.repeat(32)),
      0,
      new ergo.Tokens(),
    );
    await refused(
      (await pay(devnet, alice, [parseExact(phantom.to_json())], alice.address, 1_000_000_000n)).json,
      /^Malformed transaction: Input box [0-9a-f]{64} not found in the UTXO set or the mempool/,
    );
  });

  it('refuses outputs made above the next block, and fees below the minimum', async () => {
    const alice = walletAt(16);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const early = new ergo.ErgoBoxCandidates(
      new ergo.ErgoBoxCandidateBuilder(
        nano(4_998_900_000n),
        ergo.Contract.pay_to_address(alice.address),
        devnet.height + 2,
      ).build(),
    );
    early.add(
      new ergo.ErgoBoxCandidateBuilder(
        nano(FEE),
        ergo.Contract.new(ergo.ErgoTree.from_base16_bytes(FEE_ERGO_TREE)),
        devnet.height,
      ).build(),
    );
    await refused(
      (await signRaw(devnet, alice, [funds], early)).json,
      /creationHeight .* above the next block's height/,
    );
    const cheap = await pay(devnet, alice, [funds], alice.address, 1_000_000_000n, { fee: 999_999n });
    await refused(cheap.json, /^Min fee not met: 0\.001 ergs required, 0\.000999999 ergs given/);
    const generous = await pay(devnet, alice, [funds], alice.address, 1_000_000_000n, { fee: 1_000_000n });
    assert.equal((await post(devnet, '/transactions', generous.json)).status, 200);
  });
});
