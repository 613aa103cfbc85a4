/**
 * The anchor log and anchor box are decoded without ethers and ergo-lib (so proofs verify in
 * browsers); these check that the portable decoders read exactly what those libraries write.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AbiCoder, id } from 'ethers';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { ANCHORED_EVENT_TOPIC } from '@anchorpost/protocol';
import {
  anchorContractInterface,
  decodeAnchorBox,
  decodeAnchoredLog,
  encodeAnchorRegisters,
} from '../src/index.ts';

const CID = 'bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5tz6h2gxdg4dwsu';
const ROOT = 'cd'.repeat(32);
const TOKEN = 'ef'.repeat(32);

describe('portable anchor decoders', () => {
  it("use the contract ABI's Anchored topic", () => {
    assert.equal(ANCHORED_EVENT_TOPIC, id('Anchored(bytes32,string,uint64,address)'));
    assert.equal(ANCHORED_EVENT_TOPIC, anchorContractInterface.getEvent('Anchored')!.topicHash);
  });

  it('read an Anchored log as ethers encodes it', () => {
    const submitter = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const log = {
      address: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
      topics: [
        ANCHORED_EVENT_TOPIC,
        `0x${ROOT}`,
        AbiCoder.defaultAbiCoder().encode(['uint64'], [42]),
        AbiCoder.defaultAbiCoder().encode(['address'], [submitter]),
      ],
      data: AbiCoder.defaultAbiCoder().encode(['string'], [CID]),
      blockNumber: '0x10',
      blockHash: `0x${'11'.repeat(32)}`,
      transactionHash: `0x${'22'.repeat(32)}`,
      logIndex: '0x0',
    };
    const event = decodeAnchoredLog(log);
    assert.ok(event !== undefined);
    assert.equal(event.batchCid, CID);
    assert.equal(event.sequence, 42);
    assert.equal(event.root, ROOT);
    assert.equal(event.submitter, submitter.toLowerCase());
  });

  it('read the registers ergo-lib writes, for sequences small and large', () => {
    for (const sequence of [0, 1, 63, 64, 300, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const registers = encodeAnchorRegisters({ root: ROOT, batchCid: CID, sequence });
      const box = { assets: [{ tokenId: TOKEN, amount: 1 }], additionalRegisters: { ...registers } };
      assert.deepEqual(decodeAnchorBox(box, TOKEN), { root: ROOT, batchCid: CID, sequence });
    }
    const negative = ergo.Constant.from_i64(ergo.I64.from_str('-5')).encode_to_base16();
    const registers = { ...encodeAnchorRegisters({ root: ROOT, batchCid: CID, sequence: 1 }), R6: negative };
    assert.equal(
      decodeAnchorBox({ assets: [{ tokenId: TOKEN, amount: 1 }], additionalRegisters: registers }, TOKEN),
      undefined,
    );
  });
});
