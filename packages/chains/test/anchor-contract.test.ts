/**
 * The AnchorpostAnchor contract itself, on anvil: events, the allow-list, once-per-sequence,
 * input checks, ownership, and gas per anchor. Transactions are sent with a fixed gas limit so
 * reverts really happen on chain (not only in a simulation).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { AbiCoder, Wallet } from 'ethers';
import {
  ANCHORED_TOPIC,
  anchorContractInterface,
  decodeAnchoredLog,
  decodeAnchorRevert,
  deployAnchorContract,
  encodeAnchorCall,
} from '../src/evm/anchor-contract.ts';
import { JsonRpcPool } from '../src/evm/json-rpc-pool.ts';
import type { RpcReceipt } from '../src/evm/rpc-types.ts';
import { startAnvil } from '../src/evm/anvil.ts';
import type { Anvil } from '../src/evm/anvil.ts';
import {
  anchorpostAnchorBuild,
  anchorpostAnchorDeployedBytecode,
} from '../src/generated/anchorpost-anchor.ts';
import { sampleAnchorRequest } from '../src/testing/contract.ts';

const GWEI = 1_000_000_000n;

describe('AnchorpostAnchor contract', () => {
  let anvil: Anvil;
  let rpc: JsonRpcPool;
  let owner: Wallet;
  let submitter: Wallet;
  let stranger: Wallet;
  let contract: string;

  before(async () => {
    anvil = await startAnvil();
    rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    [owner, submitter, stranger] = [0, 1, 2].map((i) => new Wallet(anvil.privateKeys[i]!)) as [
      Wallet,
      Wallet,
      Wallet,
    ];
    contract = (await deployAnchorContract(owner, { rpc, submitters: [submitter.address] })).address;
  });
  after(async () => {
    await anvil.stop();
  });

  /** Sends with a fixed gas limit (no estimate, which would refuse a reverting call) and mines. */
  async function send(from: Wallet, data: string, to = contract): Promise<RpcReceipt> {
    const nonce = Number(await rpc.request<string>('eth_getTransactionCount', [from.address, 'pending']));
    const raw = await from.signTransaction({
      type: 2,
      chainId: BigInt(anvil.chainId),
      nonce,
      to,
      data,
      gasLimit: 200_000n,
      maxFeePerGas: 50n * GWEI,
      maxPriorityFeePerGas: GWEI,
    });
    const hash = await rpc.request<string>('eth_sendRawTransaction', [raw]);
    for (let i = 0; i < 100; i++) {
      const receipt = await rpc.request<RpcReceipt | null>('eth_getTransactionReceipt', [hash]);
      if (receipt !== null) return receipt;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${hash} not mined`);
  }

  async function call(method: string, args: unknown[], from?: string): Promise<unknown[]> {
    const data = anchorContractInterface.encodeFunctionData(method, args);
    const result = await rpc.request<string>('eth_call', [
      { to: contract, data, ...(from ? { from } : {}) },
      'latest',
    ]);
    return Array.from(anchorContractInterface.decodeFunctionResult(method, result) as Iterable<unknown>);
  }

  /** The custom error a call would revert with (simulated from `from`). */
  async function revertOf(from: string, data: string): Promise<string | undefined> {
    try {
      await rpc.request('eth_call', [{ from, to: contract, data }, 'latest']);
      return undefined;
    } catch (error) {
      return decodeAnchorRevert((error as { data?: unknown }).data)?.name ?? 'unknown';
    }
  }

  it('is the code that codegen compiled from the current source', async () => {
    const source = await readFile(new URL('../contracts/AnchorpostAnchor.sol', import.meta.url), 'utf8');
    assert.equal(anchorpostAnchorBuild.sourceSha256, createHash('sha256').update(source).digest('hex'));
    assert.match(anchorpostAnchorBuild.compilerVersion, /^v0\.8\.37\+commit\.[0-9a-f]{8}$/);
    assert.equal(await rpc.request('eth_getCode', [contract, 'latest']), anchorpostAnchorDeployedBytecode);
    assert.deepEqual(await call('owner', []), [owner.address]);
    assert.deepEqual(await call('isSubmitter', [submitter.address]), [true]);
    assert.deepEqual(await call('isSubmitter', [owner.address]), [false]);
  });

  it('anchors: emits Anchored(root, batchCid, sequence, submitter) and records the root; gas per anchor', async (t) => {
    const request = sampleAnchorRequest(1);
    const receipt = await send(submitter, encodeAnchorCall(request.root, request.batchCid, request.sequence));
    assert.equal(receipt.status, '0x1');
    assert.equal(receipt.logs.length, 1);
    const log = receipt.logs[0]!;
    assert.equal(log.topics[0], ANCHORED_TOPIC);
    assert.equal(log.address.toLowerCase(), contract);
    const event = decodeAnchoredLog(log)!;
    assert.equal(event.root, request.root);
    assert.equal(event.batchCid, request.batchCid);
    assert.equal(event.sequence, 1);
    assert.equal(event.submitter, submitter.address.toLowerCase());
    assert.deepEqual(await call('anchoredRoot', [1]), [`0x${request.root}`]);
    assert.deepEqual(await call('anchoredRoot', [2]), [`0x${'0'.repeat(64)}`]);

    // Gas: a 59-character batch CID, fresh sequence slot (the real case).
    const gas = [];
    for (const sequence of [2, 3, 2 ** 40]) {
      const r = sampleAnchorRequest(sequence);
      gas.push(Number((await send(submitter, encodeAnchorCall(r.root, r.batchCid, r.sequence))).gasUsed));
    }
    t.diagnostic(`gas per anchor: ${gas.join(', ')} (batch CID ${request.batchCid.length} characters)`);
    for (const used of gas) assert.ok(used < 55_000, `gas per anchor ${used}`);
  });

  it('refuses anyone not on the allow-list (NotSubmitter), on chain too', async () => {
    const request = sampleAnchorRequest(10);
    const data = encodeAnchorCall(request.root, request.batchCid, request.sequence);
    assert.equal(await revertOf(stranger.address, data), 'NotSubmitter');
    assert.equal(
      await revertOf(owner.address, data),
      'NotSubmitter',
      'the owner is not a submitter by itself',
    );
    const receipt = await send(stranger, data);
    assert.equal(receipt.status, '0x0');
    assert.equal(receipt.logs.length, 0);
    assert.deepEqual(await call('anchoredRoot', [10]), [`0x${'0'.repeat(64)}`]);
  });

  it('anchors a sequence once: a second anchor reverts AlreadyAnchored(sequence, root), even with the same root', async () => {
    const request = sampleAnchorRequest(20);
    const data = encodeAnchorCall(request.root, request.batchCid, request.sequence);
    assert.equal((await send(submitter, data)).status, '0x1');
    const other = sampleAnchorRequest(20, 'other');
    for (const again of [data, encodeAnchorCall(other.root, other.batchCid, 20)]) {
      try {
        await rpc.request('eth_call', [{ from: submitter.address, to: contract, data: again }, 'latest']);
        assert.fail('expected a revert');
      } catch (error) {
        const revert = decodeAnchorRevert((error as { data?: unknown }).data);
        assert.equal(revert?.name, 'AlreadyAnchored');
        assert.deepEqual(revert.args, [20n, `0x${request.root}`]);
      }
      const receipt = await send(submitter, again);
      assert.equal(receipt.status, '0x0');
      assert.equal(receipt.logs.length, 0);
    }
    assert.deepEqual(await call('anchoredRoot', [20]), [`0x${request.root}`]);
  });

  it('rejects a zero root, an empty batch CID and one over 128 bytes', async () => {
    const { root } = sampleAnchorRequest(30);
    const encode = (r: string, cid: string): string =>
      anchorContractInterface.encodeFunctionData('anchor', [`0x${r}`, cid, 30]);
    assert.equal(await revertOf(submitter.address, encode('0'.repeat(64), 'bafy')), 'ZeroRoot');
    assert.equal(await revertOf(submitter.address, encode(root, '')), 'EmptyBatchCid');
    assert.equal(await revertOf(submitter.address, encode(root, 'b'.repeat(129))), 'BatchCidTooLong');
    assert.equal(await revertOf(submitter.address, encode(root, 'b'.repeat(128))), undefined);
  });

  it('lets only the owner change the allow-list', async () => {
    const set = (who: string, allowed: boolean): string =>
      anchorContractInterface.encodeFunctionData('setSubmitter', [who, allowed]);
    assert.equal(await revertOf(submitter.address, set(stranger.address, true)), 'NotOwner');
    assert.equal(await revertOf(owner.address, set(`0x${'0'.repeat(40)}`, true)), 'ZeroAddress');
    const receipt = await send(owner, set(stranger.address, true));
    assert.equal(receipt.status, '0x1');
    assert.equal(
      anchorContractInterface.parseLog({ topics: [...receipt.logs[0]!.topics], data: receipt.logs[0]!.data })
        ?.name,
      'SubmitterChanged',
    );
    const request = sampleAnchorRequest(40);
    assert.equal((await send(stranger, encodeAnchorCall(request.root, request.batchCid, 40))).status, '0x1');
    await send(owner, set(stranger.address, false));
    const next = sampleAnchorRequest(41);
    assert.equal(
      await revertOf(stranger.address, encodeAnchorCall(next.root, next.batchCid, 41)),
      'NotSubmitter',
    );
  });

  it('hands over ownership in two steps', async () => {
    const transfer = anchorContractInterface.encodeFunctionData('transferOwnership', [stranger.address]);
    const accept = anchorContractInterface.encodeFunctionData('acceptOwnership', []);
    assert.equal(await revertOf(stranger.address, transfer), 'NotOwner');
    await send(owner, transfer);
    assert.deepEqual(await call('pendingOwner', []), [stranger.address]);
    assert.deepEqual(await call('owner', []), [owner.address], 'not before acceptance');
    assert.equal(await revertOf(submitter.address, accept), 'NotPendingOwner');
    await send(stranger, accept);
    assert.deepEqual(await call('owner', []), [stranger.address]);
    assert.deepEqual(await call('pendingOwner', []), [`0x${'0'.repeat(40)}`]);
    assert.equal(
      await revertOf(
        owner.address,
        anchorContractInterface.encodeFunctionData('setSubmitter', [owner.address, true]),
      ),
      'NotOwner',
    );
  });

  it('decodes only genuine Anchored logs', () => {
    const good = {
      address: contract,
      topics: [
        ANCHORED_TOPIC,
        `0x${'11'.repeat(32)}`,
        `0x${'0'.repeat(64)}`,
        `0x${'0'.repeat(24)}${'22'.repeat(20)}`,
      ],
      data: AbiCoder.defaultAbiCoder().encode(['string'], ['bafy']),
      blockNumber: '0x1',
      blockHash: `0x${'33'.repeat(32)}`,
      transactionHash: `0x${'44'.repeat(32)}`,
      logIndex: '0x0',
    };
    assert.equal(decodeAnchoredLog(good)?.batchCid, 'bafy');
    assert.equal(decodeAnchoredLog({ ...good, topics: good.topics.slice(0, 3) }), undefined);
    assert.equal(
      decodeAnchoredLog({ ...good, topics: [`0x${'55'.repeat(32)}`, ...good.topics.slice(1)] }),
      undefined,
    );
    assert.equal(decodeAnchoredLog({ ...good, data: '0x1234' }), undefined);
    const huge = `0x${'0'.repeat(48)}${'ff'.repeat(8)}`;
    assert.equal(
      decodeAnchoredLog({ ...good, topics: [good.topics[0]!, good.topics[1]!, huge, good.topics[3]!] }),
      undefined,
    );
  });
});
