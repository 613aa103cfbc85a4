/**
 * The Ergo node test double refuses what a node refuses — checked with real transactions signed by
 * ergo-lib — and serves what it accepted through the node's endpoints: blocks, the UTXO set (with
 * and without the pool), and the extra index, across rollbacks.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { startErgoDevnet } from '../src/index.ts';
import type { ErgoDevnet } from '../src/index.ts';

/** A P2PK key of its own (the test needs no mnemonic: a random secret will do). */
function key(): { secret: ergo.SecretKey; address: ergo.Address; base58: string; wallet: ergo.Wallet } {
  const secret = ergo.SecretKey.dlog_from_bytes(randomBytes(32));
  const secrets = new ergo.SecretKeys();
  secrets.add(secret);
  const address = secret.get_address();
  return {
    secret,
    address,
    base58: address.to_base58(ergo.NetworkPrefix.Testnet),
    wallet: ergo.Wallet.from_secrets(secrets),
  };
}

const nano = (n: bigint): ergo.BoxValue => ergo.BoxValue.from_i64(ergo.I64.from_str(n.toString()));

async function get(devnet: ErgoDevnet, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(devnet.url + path);
  return { status: response.status, body: await response.json() };
}

async function post(
  devnet: ErgoDevnet,
  path: string,
  body: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(devnet.url + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, body: await response.json() };
}

async function context(devnet: ErgoDevnet): Promise<ergo.ErgoStateContext> {
  const { body } = await get(devnet, '/blocks/lastHeaders/10');
  const headers = ergo.BlockHeaders.from_json((body as unknown[]).reverse());
  return new ergo.ErgoStateContext(
    ergo.PreHeader.from_block_header(headers.get(0)),
    headers,
    ergo.Parameters.default_parameters(),
  );
}

/** Sends `amount` from `box` (owned by `from`) to `to`; change back to `from`. Optionally mints. */
async function spend(
  devnet: ErgoDevnet,
  from: ReturnType<typeof key>,
  boxJson: string,
  to: ergo.Address,
  amount: bigint,
  mint?: { amount: bigint },
): Promise<{ json: string; id: string }> {
  const box = ergo.ErgoBox.from_json(boxJson);
  const inputs = ergo.ErgoBoxes.empty();
  inputs.add(box);
  const builder = new ergo.ErgoBoxCandidateBuilder(
    nano(amount),
    ergo.Contract.pay_to_address(to),
    devnet.height,
  );
  if (mint !== undefined) {
    builder.mint_token(
      new ergo.Token(
        ergo.TokenId.from_str(box.box_id().to_str()),
        ergo.TokenAmount.from_i64(ergo.I64.from_str(mint.amount.toString())),
      ),
      'T',
      'test token',
      0,
    );
  }
  const selection = new ergo.SimpleBoxSelector().select(inputs, nano(amount + 1_100_000n), new ergo.Tokens());
  const unsigned = ergo.TxBuilder.new(
    selection,
    new ergo.ErgoBoxCandidates(builder.build()),
    devnet.height,
    nano(1_100_000n),
    from.address,
  ).build();
  const signed = from.wallet.sign_transaction(
    await context(devnet),
    unsigned,
    inputs,
    ergo.ErgoBoxes.empty(),
  );
  return { json: signed.to_json(), id: signed.id().to_str() };
}

describe('the Ergo node test double', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet();
  });
  after(() => devnet.close());

  it('answers /info, /blocks/lastHeaders and /blocks/at like a node, and names itself a test double', async () => {
    const info = (await get(devnet, '/info')).body as Record<string, unknown>;
    assert.equal(info.name, 'anchorpost-ergo-devnet-test-double');
    assert.equal(info.network, 'testnet');
    assert.equal(info.fullHeight, devnet.height);
    const headers = (await get(devnet, '/blocks/lastHeaders/10')).body as {
      height: number;
      id: string;
      parentId: string;
    }[];
    assert.equal(headers.length, 10);
    for (let i = 1; i < headers.length; i++) {
      assert.equal(headers[i]!.height, headers[i - 1]!.height + 1);
      assert.equal(headers[i]!.parentId, headers[i - 1]!.id);
    }
    assert.deepEqual((await get(devnet, `/blocks/at/${headers[9]!.height}`)).body, [headers[9]!.id]);
    assert.deepEqual((await get(devnet, `/blocks/at/${devnet.height + 1}`)).body, []);
    const missing = await get(devnet, `/blocks/${'ab'.repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { error: number }).error, 404);
  });

  it('accepts a signed spend, pools it (chained spends too), mines it in order and indexes it', async () => {
    const alice = key();
    const bob = key();
    const funds = devnet.fund(alice.base58, 10_000_000_000n);
    const first = await spend(devnet, alice, JSON.stringify(funds), bob.address, 3_000_000_000n);
    assert.deepEqual(await post(devnet, '/transactions', first.json), { status: 200, body: first.id });
    // Resubmitting is fine (the node says it knows it).
    assert.equal((await post(devnet, '/transactions', first.json)).body, first.id);
    const pooled = (await get(devnet, `/transactions/unconfirmed/byTransactionId/${first.id}`)).body as {
      outputs: { boxId: string; ergoTree: string }[];
    };
    const toBob = pooled.outputs.find((o) => o.ergoTree === bob.address.to_ergo_tree().to_base16_bytes())!;
    assert.equal((await get(devnet, `/utxo/byId/${toBob.boxId}`)).status, 404, 'not confirmed yet');
    const poolBox = await get(devnet, `/utxo/withPool/byId/${toBob.boxId}`);
    assert.equal(poolBox.status, 200);
    // Bob spends his unconfirmed box at once: a chained transaction.
    const second = await spend(devnet, bob, JSON.stringify(poolBox.body), alice.address, 1_000_000_000n);
    assert.equal((await post(devnet, '/transactions', second.json)).status, 200);
    const [blockId] = devnet.mine(1);
    const block = (await get(devnet, `/blocks/${blockId}`)).body as {
      blockTransactions: { transactions: { id: string }[] };
    };
    assert.deepEqual(
      block.blockTransactions.transactions.map((t) => t.id),
      [first.id, second.id],
    );
    const indexed = (await get(devnet, `/blockchain/transaction/byId/${first.id}`)).body as Record<
      string,
      unknown
    >;
    assert.equal(indexed.blockId, blockId);
    assert.equal(indexed.inclusionHeight, devnet.height);
    assert.equal(indexed.numConfirmations, 1);
    const spentBox = (await get(devnet, `/blockchain/box/byId/${toBob.boxId}`)).body as Record<
      string,
      unknown
    >;
    assert.equal(spentBox.spentTransactionId, second.id);
    assert.deepEqual(devnet.mempool(), []);
  });

  it('refuses a bad signature, value from nothing, a spent input and a token from nothing, with a reason', async () => {
    const alice = key();
    const mallory = key();
    const funds = JSON.stringify(devnet.fund(alice.base58, 5_000_000_000n));
    const refused = async (json: string, reason: RegExp) => {
      const answer = await post(devnet, '/transactions', json);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match((answer.body as { detail: string }).detail, reason);
    };
    // A proof that does not open the box: Alice's signature with one byte changed (the id does not
    // cover proofs, so only the signature check can catch it).
    const signedByAlice = await spend(devnet, alice, funds, mallory.address, 1_000_000_000n);
    const forged = JSON.parse(signedByAlice.json) as { inputs: { spendingProof: { proofBytes: string } }[] };
    const proof = forged.inputs[0]!.spendingProof.proofBytes;
    forged.inputs[0]!.spendingProof.proofBytes = `${proof.slice(0, 10)}${proof[10] === '0' ? '1' : '0'}${proof.slice(11)}`;
    await refused(JSON.stringify(forged), /invalid/i);
    // Inflate an output of a correctly signed transaction: the id no longer matches (or the proof fails).
    const good = await spend(devnet, alice, funds, mallory.address, 1_000_000_000n);
    const inflated = JSON.parse(good.json) as { outputs: { value: number }[] };
    inflated.outputs[0]!.value += 1_000_000_000;
    await refused(JSON.stringify(inflated), /malformed|invalid|differs/i);
    // Value from nothing, re-signed: outputs worth more than the inputs.
    await refused((await spendUnbalanced(devnet, alice, funds)).json, /invalid/i);
    // Double spend against the pool, then against the chain.
    assert.equal((await post(devnet, '/transactions', good.json)).status, 200);
    await refused((await spend(devnet, alice, funds, alice.address, 2_000_000_000n)).json, /already spent/);
    devnet.mine(1);
    await refused(
      (await spend(devnet, alice, funds, alice.address, 2_000_000_000n)).json,
      /already spent|not found/,
    );
    // A token out of nothing: an output holding a token no input had and that is not a mint.
    const fresh = JSON.stringify(devnet.fund(alice.base58, 5_000_000_000n));
    await refused((await spendWithStrayToken(devnet, alice, fresh)).json, /invalid/i);
  });

  it('mints a token and follows it across spends in the extra index', async () => {
    const alice = key();
    const funds = devnet.fund(alice.base58, 5_000_000_000n);
    const mint = await spend(devnet, alice, JSON.stringify(funds), alice.address, 1_000_000_000n, {
      amount: 1n,
    });
    assert.equal((await post(devnet, '/transactions', mint.json)).status, 200);
    devnet.mine(1);
    const tokenId = funds.boxId;
    const page = (await get(devnet, `/blockchain/box/byTokenId/${tokenId}?offset=0&limit=10`)).body as {
      items: {
        boxId: string;
        assets: { tokenId: string; amount: number }[];
        spentTransactionId: string | null;
      }[];
      total: number;
    };
    assert.equal(page.total, 1);
    assert.equal(page.items[0]!.assets[0]!.amount, 1);
    const unspent = (await get(devnet, `/blockchain/box/unspent/byTokenId/${tokenId}`)).body as unknown[];
    assert.equal(unspent.length, 1);
  });

  it('rolls back 3 blocks: transactions back to the pool by default, or dropped with their children', async () => {
    const alice = key();
    const bob = key();
    const funds = JSON.stringify(devnet.fund(alice.base58, 5_000_000_000n));
    const tx = await spend(devnet, alice, funds, bob.address, 1_000_000_000n);
    await post(devnet, '/transactions', tx.json);
    devnet.mine(3);
    const height = devnet.height;
    assert.equal((await post(devnet, '/devnet/rollback', JSON.stringify({ blocks: 3 }))).status, 200);
    assert.equal(devnet.height, height - 3);
    assert.deepEqual(devnet.mempool(), [tx.id]);
    assert.equal((await get(devnet, `/blockchain/transaction/byId/${tx.id}`)).status, 404);
    devnet.mine(1);
    assert.equal((await get(devnet, `/blockchain/transaction/byId/${tx.id}`)).status, 200);
    // Now drop: the transaction and a child spending its output disappear.
    const pooled = (await get(devnet, `/blockchain/transaction/byId/${tx.id}`)).body as {
      outputs: { boxId: string; ergoTree: string }[];
    };
    const toBob = pooled.outputs.find((o) => o.ergoTree === bob.address.to_ergo_tree().to_base16_bytes())!;
    devnet.rollback(1, { dropTransactions: true });
    assert.deepEqual(devnet.mempool(), []);
    assert.equal((await get(devnet, `/utxo/withPool/byId/${toBob.boxId}`)).status, 404);
    assert.equal((await post(devnet, '/devnet/rollback', JSON.stringify({ blocks: 10_000 }))).status, 400);
  });
});

/** A transaction signed by the owner whose outputs exceed its inputs (built by hand, past the builder's checks). */
async function spendUnbalanced(devnet: ErgoDevnet, from: ReturnType<typeof key>, boxJson: string) {
  const box = ergo.ErgoBox.from_json(boxJson);
  const doubled = BigInt(box.value().as_i64().to_str()) * 2n;
  const outputs = new ergo.ErgoBoxCandidates(
    new ergo.ErgoBoxCandidateBuilder(
      nano(doubled),
      ergo.Contract.pay_to_address(from.address),
      devnet.height,
    ).build(),
  );
  return signRaw(devnet, from, box, outputs);
}

/** A transaction carrying a token in an output that no input holds, and that is not the first input's id. */
async function spendWithStrayToken(devnet: ErgoDevnet, from: ReturnType<typeof key>, boxJson: string) {
  const box = ergo.ErgoBox.from_json(boxJson);
  const builder = new ergo.ErgoBoxCandidateBuilder(
    nano(BigInt(box.value().as_i64().to_str())),
    ergo.Contract.pay_to_address(from.address),
    devnet.height,
  );
  builder.add_token(
    ergo.TokenId.from_str('cd'.repeat(32)),
    ergo.TokenAmount.from_i64(ergo.I64.from_str('1000')),
  );
  const outputs = new ergo.ErgoBoxCandidates(builder.build());
  return signRaw(devnet, from, box, outputs);
}

async function signRaw(
  devnet: ErgoDevnet,
  from: ReturnType<typeof key>,
  box: ergo.ErgoBox,
  outputs: ergo.ErgoBoxCandidates,
) {
  const inputs = new ergo.UnsignedInputs();
  inputs.add(new ergo.UnsignedInput(box.box_id(), new ergo.ContextExtension()));
  const unsigned = new ergo.UnsignedTransaction(inputs, new ergo.DataInputs(), outputs);
  const boxes = ergo.ErgoBoxes.empty();
  boxes.add(box);
  const signed = from.wallet.sign_transaction(await context(devnet), unsigned, boxes, ergo.ErgoBoxes.empty());
  return { json: signed.to_json(), id: signed.id().to_str() };
}
