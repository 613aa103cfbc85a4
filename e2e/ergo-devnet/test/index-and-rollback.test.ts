/**
 * The extra index follows a token through every box that held it (EIP-4 info included), pages as
 * the node pages, and forgets what a rollback removes; rolled-back transactions return to the pool
 * or are dropped with their children.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { startErgoDevnet } from '../src/index.ts';
import type { ErgoDevnet } from '../src/index.ts';
import { FEE, get, nano, outputTo, parseExact, pay, post, signingContext, walletAt } from './helpers.ts';
import type { Signed } from './helpers.ts';

type Json = Record<string, unknown>;

async function send(devnet: ErgoDevnet, signed: Signed): Promise<void> {
  const answer = await post(devnet, '/transactions', signed.json);
  assert.equal(answer.status, 200, answer.text);
}

/** Token holder → `to`: the whole token amount with half the box's ERG, the rest back as change. */
async function moveToken(
  devnet: ErgoDevnet,
  from: ReturnType<typeof walletAt>,
  box: Json,
  to: ergo.Address,
  tokenId: string,
  amount: bigint,
) {
  return pay(devnet, from, [box], to, BigInt(box.value as number) / 2n, { tokens: { tokenId, amount } });
}

describe('the extra index of the Ergo node test double', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet();
  });
  after(() => devnet.close());

  it('mints an EIP-4 token and follows it across spends, newest box first, exact above 2^53', async () => {
    const alice = walletAt(20);
    const bob = walletAt(21);
    const carol = walletAt(22);
    const amount = 2n ** 60n + 7n;
    const funds = devnet.fund(alice.base58, 10_000_000_000n);
    const tokenId = funds.boxId;
    const mint = await pay(devnet, alice, [funds], alice.address, 3_000_000_000n, {
      mint: { amount, name: 'Anchorpost marker', description: 'test double token', decimals: 2 },
    });
    await send(devnet, mint);
    devnet.mine(1);
    const minted = holding(mint, tokenId);
    const token = await get(devnet, `/blockchain/token/byId/${tokenId}`);
    assert.deepEqual(token.body, {
      id: tokenId,
      boxId: minted.boxId,
      emissionAmount: amount,
      name: 'Anchorpost marker',
      description: 'test double token',
      decimals: 2,
    });
    assert.match(token.text, new RegExp(`"emissionAmount":${amount}`), 'a bare JSON number, every digit');

    const toBob = await moveToken(devnet, alice, minted, bob.address, tokenId, amount);
    await send(devnet, toBob);
    devnet.mine(1);
    const bobBox = outputTo(toBob, bob.tree);
    // Bob passes it on; still in the pool.
    const toCarol = await moveToken(devnet, bob, bobBox, carol.address, tokenId, amount);
    await send(devnet, toCarol);
    const carolBox = outputTo(toCarol, carol.tree);

    const unspent = `/blockchain/box/unspent/byTokenId/${tokenId}`;
    assert.deepEqual(ids((await get<Json[]>(devnet, unspent)).body), [bobBox.boxId], 'confirmed only');
    const withPool = (await get<Json[]>(devnet, `${unspent}?includeUnconfirmed=true`)).body;
    assert.deepEqual(ids(withPool), [carolBox.boxId, bobBox.boxId], 'the pool first when newest first');
    assert.equal(withPool[0]!.inclusionHeight, 0);
    assert.deepEqual(
      ids((await get<Json[]>(devnet, `${unspent}?includeUnconfirmed=true&sortDirection=asc`)).body),
      [bobBox.boxId, carolBox.boxId],
    );
    assert.deepEqual(ids((await get<Json[]>(devnet, `${unspent}?excludeMempoolSpent=true`)).body), []);
    assert.equal((await get(devnet, `${unspent}?sortDirection=sideways`)).status, 400);
    // A node serves a box a pool transaction spends, with the pool and without.
    assert.equal((await get(devnet, `/utxo/withPool/byId/${String(bobBox.boxId)}`)).status, 200);
    assert.equal((await get(devnet, `/utxo/byId/${String(bobBox.boxId)}`)).status, 200);

    devnet.mine(1);
    const page = (
      await get<{ items: Json[]; total: number }>(
        devnet,
        `/blockchain/box/byTokenId/${tokenId}?offset=0&limit=10`,
      )
    ).body;
    assert.equal(page.total, 3);
    assert.deepEqual(
      ids(page.items),
      [carolBox.boxId, bobBox.boxId, minted.boxId],
      'newest first, as nodes since 5.0.25',
    );
    assert.deepEqual(
      page.items.map((box) => box.spentTransactionId),
      [null, toCarol.id, toBob.id],
    );
    assert.deepEqual(
      page.items.map((box) => box.address),
      [carol.base58, bob.base58, alice.base58],
    );
    assert.equal((page.items[0]!.assets as Json[])[0]!.amount, amount);
    const second = (
      await get<{ items: Json[]; total: number }>(
        devnet,
        `/blockchain/box/byTokenId/${tokenId}?offset=1&limit=1`,
      )
    ).body;
    assert.deepEqual(ids(second.items), [bobBox.boxId]);
    assert.equal((await get(devnet, `/blockchain/box/byTokenId/${tokenId}?limit=16385`)).status, 400);
    assert.deepEqual(ids((await get<Json[]>(devnet, unspent)).body), [carolBox.boxId]);
    // A token nobody minted has no index entry: empty pages, 404 for its info.
    assert.deepEqual((await get(devnet, `/blockchain/box/byTokenId/${'12'.repeat(32)}`)).body, {
      items: [],
      total: 0,
    });
    assert.equal((await get(devnet, `/blockchain/token/byId/${'12'.repeat(32)}`)).status, 404);
  });

  it('pages byTokenId oldest first when told to (nodes up to 5.0.24)', async () => {
    const old = await startErgoDevnet({ indexOrder: 'oldest-first' });
    try {
      const alice = walletAt(23);
      const funds = old.fund(alice.base58, 5_000_000_000n);
      const mint = await pay(old, alice, [funds], alice.address, 2_000_000_000n, {
        mint: { amount: 1n, name: 'x', description: '', decimals: 0 },
      });
      await send(old, mint);
      old.mine(1);
      const minted = holding(mint, funds.boxId);
      const again = await moveToken(old, alice, minted, alice.address, funds.boxId, 1n);
      await send(old, again);
      old.mine(1);
      const page = (await get<{ items: Json[] }>(old, `/blockchain/box/byTokenId/${funds.boxId}`)).body;
      assert.deepEqual(ids(page.items), [minted.boxId, outputTo(again, alice.tree).boxId]);
    } finally {
      await old.close();
    }
  });

  it('indexes data inputs, and trails the chain by indexerLag blocks', async () => {
    const lagging = await startErgoDevnet({ indexerLag: 2 });
    try {
      const alice = walletAt(24);
      const funds = lagging.fund(alice.base58, 5_000_000_000n);
      const oracle = lagging.fund(walletAt(25).base58, 1_000_000_000n);
      assert.equal((await get(lagging, `/utxo/byId/${funds.boxId}`)).status, 200, 'in the UTXO set at once');
      assert.equal(
        (await get(lagging, `/blockchain/box/byId/${funds.boxId}`)).status,
        404,
        'not indexed yet',
      );
      assert.deepEqual((await get(lagging, '/blockchain/indexedHeight')).body, {
        indexedHeight: lagging.height - 2,
        fullHeight: lagging.height,
      });
      // A transaction reading the oracle's box as a data input.
      const inputs = ergo.ErgoBoxes.empty();
      inputs.add(ergo.ErgoBox.from_json(JSON.stringify(funds)));
      const builder = ergo.TxBuilder.new(
        new ergo.SimpleBoxSelector().select(inputs, nano(1_000_000_000n + FEE), new ergo.Tokens()),
        new ergo.ErgoBoxCandidates(
          new ergo.ErgoBoxCandidateBuilder(
            nano(1_000_000_000n),
            ergo.Contract.pay_to_address(alice.address),
            lagging.height,
          ).build(),
        ),
        lagging.height,
        nano(FEE),
        alice.address,
      );
      const dataInputs = new ergo.DataInputs();
      dataInputs.add(new ergo.DataInput(ergo.BoxId.from_str(oracle.boxId)));
      builder.set_data_inputs(dataInputs);
      const dataBoxes = ergo.ErgoBoxes.empty();
      dataBoxes.add(ergo.ErgoBox.from_json(JSON.stringify(oracle)));
      const signed = alice.wallet.sign_transaction(
        await signingContext(lagging),
        builder.build(),
        inputs,
        dataBoxes,
      );
      await send(lagging, { json: signed.to_json(), id: signed.id().to_str() });
      lagging.mine(1);
      const id = signed.id().to_str();
      assert.equal((await get(lagging, `/blockchain/transaction/byId/${id}`)).status, 404);
      lagging.mine(2);
      const indexed = (await get(lagging, `/blockchain/transaction/byId/${id}`)).body;
      assert.deepEqual(indexed.dataInputs, [{ boxId: oracle.boxId }]);
      assert.equal(indexed.numConfirmations, 2);
      assert.equal(
        (await get(lagging, `/blockchain/box/byId/${oracle.boxId}`)).body.spentTransactionId,
        null,
        'read, not spent',
      );
    } finally {
      await lagging.close();
    }
  });
});

describe('rollbacks on the Ergo node test double', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet();
  });
  after(() => devnet.close());

  it('rolls back 3 blocks: their transactions (the faucet one too) return to the pool in order and are mined again', async () => {
    const alice = walletAt(30);
    const bob = walletAt(31);
    const base = devnet.height;
    const funds = devnet.fund(alice.base58, 5_000_000_000n); // block base + 1
    const first = await pay(devnet, alice, [funds], bob.address, 1_000_000_000n);
    await send(devnet, first);
    devnet.mine(1); // base + 2
    const second = await pay(devnet, bob, [outputTo(first, bob.tree)], alice.address, 500_000_000n);
    await send(devnet, second);
    const [replaced] = devnet.mine(1); // base + 3
    assert.equal(devnet.height, base + 3);

    const answer = await post(devnet, '/devnet/rollback', JSON.stringify({ blocks: 3 }));
    assert.deepEqual(answer.body, { height: base });
    assert.deepEqual(devnet.mempool(), [funds.transactionId, first.id, second.id]);
    assert.deepEqual((await get(devnet, `/blocks/at/${base + 1}`)).body, []);
    assert.equal((await get(devnet, `/blocks/${replaced!}`)).status, 404);
    assert.equal((await get(devnet, `/blockchain/transaction/byId/${first.id}`)).status, 404);
    assert.equal((await get(devnet, `/utxo/byId/${funds.boxId}`)).status, 404);
    assert.equal((await get(devnet, `/utxo/withPool/byId/${funds.boxId}`)).status, 200);

    // One block takes the faucet's and Alice's; Bob's outputs are dated one block later: it waits.
    const [again] = devnet.mine(1);
    assert.notEqual(again, replaced);
    assert.deepEqual(devnet.mempool(), [second.id]);
    const [next] = devnet.mine(1);
    assert.deepEqual(devnet.mempool(), []);
    const blocks = [again, again, next];
    for (const [i, id] of [funds.transactionId, first.id, second.id].entries()) {
      const tx = (await get(devnet, `/blockchain/transaction/byId/${id}`)).body;
      assert.equal(tx.blockId, blocks[i]);
    }
  });

  it('rolls back 3 blocks dropping their transactions, and with them the pool transactions that spent them', async () => {
    const alice = walletAt(32);
    const bob = walletAt(33);
    const base = devnet.height;
    devnet.mine(1);
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const first = await pay(devnet, alice, [funds], bob.address, 1_000_000_000n);
    await send(devnet, first);
    devnet.mine(1);
    const child = await pay(devnet, bob, [outputTo(first, bob.tree)], alice.address, 500_000_000n);
    await send(devnet, child);
    assert.equal(devnet.height, base + 3);
    devnet.rollback(3, { dropTransactions: true });
    assert.equal(devnet.height, base);
    assert.deepEqual(devnet.mempool(), []);
    for (const boxId of [funds.boxId, outputTo(first, bob.tree).boxId])
      assert.equal((await get(devnet, `/utxo/withPool/byId/${String(boxId)}`)).status, 404);
    // The chain goes on, and so does the faucet.
    const later = devnet.fund(alice.base58, 1_000_000_000n);
    assert.equal((await get(devnet, `/utxo/byId/${later.boxId}`)).status, 200);
    const tooDeep = await post(devnet, '/devnet/rollback', JSON.stringify({ blocks: 10_000 }));
    assert.equal(tooDeep.status, 400);
  });
});

function holding(signed: Signed, tokenId: string): Json {
  const tx = parseExact(signed.json) as { outputs: Json[] };
  return tx.outputs.find((box) => (box.assets as { tokenId: string }[]).some((a) => a.tokenId === tokenId))!;
}

function ids(boxes: readonly Json[]): unknown[] {
  return boxes.map((box) => box.boxId);
}
