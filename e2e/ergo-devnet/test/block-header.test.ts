/**
 * The double's headers are hashed the way a node hashes them: checked against real mainnet and
 * testnet headers and blocks (shared/fixtures/ergo). And its JSON handling keeps what a plain
 * JSON.parse round trip loses — big amounts and the signed key order of context extensions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { buildHeader, headerId, transactionsRoot } from '../src/index.ts';
import type { HeaderJson } from '../src/index.ts';
import { sectionId } from '../src/block-header.ts';
import { parseRaw, rawItems, rawField, rawText } from '../src/node-json.ts';
import { fixture } from './helpers.ts';

interface BlockFixture {
  header: HeaderJson;
  blockTransactions: {
    transactions: { id: string; inputs: { spendingProof: { proofBytes: string } }[] }[];
    size: number;
  };
}

const BLOCKS = ['blocks/block-540000-96911575.json', 'blocks/block-693479-b17847c0.json'];

describe('block headers hashed as a node hashes them', () => {
  it('recomputes the ids of ten real testnet version-2 headers and of two mainnet blocks', () => {
    const headers = JSON.parse(fixture('last-headers-10-testnet-141531.json')) as HeaderJson[];
    for (const header of headers) assert.equal(headerId(header), header.id, `height ${header.height}`);
    for (const path of BLOCKS) {
      const { header } = JSON.parse(fixture(path)) as BlockFixture;
      assert.equal(headerId(header), header.id, path);
      // A changed field changes the id: nothing but the bytes decides it.
      assert.notEqual(headerId({ ...header, timestamp: header.timestamp + 1 }), header.id);
    }
  });

  it('recomputes the transactions root (ids and witness ids) and the section ids of real blocks', () => {
    for (const path of BLOCKS) {
      const block = JSON.parse(fixture(path)) as BlockFixture;
      const txs = block.blockTransactions.transactions.map((tx) => ({
        id: tx.id,
        proofs: tx.inputs.map((input) => input.spendingProof.proofBytes),
      }));
      assert.equal(transactionsRoot(txs), block.header.transactionsRoot, path);
      assert.equal(
        sectionId(102, block.header.id, block.header.transactionsRoot),
        block.header.transactionsId,
      );
      assert.equal(sectionId(104, block.header.id, block.header.adProofsRoot), block.header.adProofsId);
      assert.equal(sectionId(108, block.header.id, block.header.extensionHash), block.header.extensionId);
    }
  });

  it('builds headers whose id, size and section ids are consistent, and that ergo-lib reads', () => {
    const header = buildHeader({
      parentId: 'ab'.repeat(32),
      height: 141_541,
      timestamp: 1_641_545_000_000,
      transactions: [],
      nonce: 7,
    });
    assert.equal(headerId(header), header.id);
    assert.equal(header.size, 220);
    assert.equal(sectionId(102, header.id, header.transactionsRoot), header.transactionsId);
    const parsed = ergo.BlockHeader.from_json(JSON.stringify(header));
    assert.ok(parsed.id().equals(ergo.BlockId.from_str(header.id)));
    const other = buildHeader({
      ...{ parentId: 'ab'.repeat(32), height: 141_541, timestamp: 1_641_545_000_000 },
      transactions: [],
      nonce: 8,
    });
    assert.notEqual(other.id, header.id, 'the nonce tells apart blocks made at the same height and time');
  });
});

describe('node JSON kept exact', () => {
  it('keeps context-extension key order and big amounts, so every real transaction keeps its id', () => {
    const block = parseRaw(fixture('blocks/block-693479-b17847c0.json'));
    const txs = rawItems(rawField(rawField(block, 'blockTransactions')!, 'transactions'));
    assert.equal(txs.length, 15);
    let reordered = 0;
    for (const tx of txs) {
      const text = rawText(tx);
      // ergo-lib recomputes the id from the bytes and refuses a JSON id that differs.
      assert.doesNotThrow(() => ergo.Transaction.from_json(text));
      const plain = JSON.stringify(JSON.parse(text));
      if (plain !== text) {
        reordered++;
        assert.throws(() => ergo.Transaction.from_json(plain), /differs/);
      }
    }
    assert.ok(reordered > 0, 'the fixture has a transaction a plain round trip breaks');
  });
});
