/**
 * The Ergo node client against real mainnet/testnet node JSON (shared/fixtures/ergo), served
 * byte for byte by a local HTTP server: what the client parses must be what the chain says (ids
 * recomputed by ergo-lib, heights, registers, tokens above 2^53), and the node's failure modes
 * (404, a refused transaction, 5xx, silence) must map to the right ChainError codes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ergo from 'ergo-lib-wasm-nodejs';
import {
  ChainError,
  ChainErrorCode,
  decodeAnchorBox,
  ErgoNodeClient,
  parseErgoJson,
  stateContext,
  stringifyErgoJson,
  toLibBox,
} from '../src/index.ts';
import type { ErgoBoxJson, ErgoHeader, ErgoTransactionJson } from '../src/index.ts';

// shared/ sits beside the repository (as in CI), or where ANCHORPOST_SHARED_DIR says.
const FIXTURES = join(
  process.env.ANCHORPOST_SHARED_DIR ?? join(import.meta.dirname, '../../../../shared'),
  'fixtures/ergo',
);
if (!existsSync(FIXTURES))
  throw new Error(`the real Ergo node JSON is not at ${FIXTURES}: shared/ must sit beside the repository`);
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

const ROUTES: Record<string, string> = {
  '/info': 'info.json',
  '/blocks/lastHeaders/10': 'last-headers-10.json',
};

describe('ErgoNodeClient on real node JSON', () => {
  let url: string;
  let server: Server;
  const seen: { path: string; apiKey: string | undefined }[] = [];
  const blockId = (JSON.parse(fixture('blocks/block-693479-b17847c0.json')) as { header: ErgoHeader }).header
    .id;
  const oracleFile = 'boxes/utxo-byId-390a8fe7-oracle-pool-r6-coll32.json';
  const oracleBox = (JSON.parse(fixture(oracleFile)) as ErgoBoxJson).boxId;
  const bankBox = (JSON.parse(fixture('boxes/utxo-byId-2342c916-sigusd-bank.json')) as ErgoBoxJson).boxId;

  before(async () => {
    ROUTES[`/blocks/${blockId}`] = 'blocks/block-693479-b17847c0.json';
    ROUTES[`/utxo/byId/${oracleBox}`] = 'boxes/utxo-byId-390a8fe7-oracle-pool-r6-coll32.json';
    ROUTES[`/utxo/byId/${bankBox}`] = 'boxes/utxo-byId-2342c916-sigusd-bank.json';
    ({ url, server } = await serve((req, _body, res) => {
      const path = req.url ?? '';
      seen.push({ path, apiKey: req.headers.api_key as string | undefined });
      const file = ROUTES[path];
      if (file === undefined) {
        send(res, 404, '{"error":404,"reason":"not-found","detail":"nope"}');
        return;
      }
      send(res, 200, fixture(file));
    }));
  });
  after(() => server.close());

  it('reads /info of a mainnet node', async () => {
    const info = await new ErgoNodeClient({ urls: [url] }).info();
    assert.equal(info.fullHeight, 1331111);
    assert.equal(info.bestFullHeaderId, 'db5095ab785ea515ec2fc76e1d890bec4d88318c118d9561fb4bb7f6069fbecb');
    assert.equal(info.network, 'mainnet');
    assert.equal(info.parameters?.minValuePerByte, 360);
  });

  it('reads the last 10 headers, oldest first, and builds a signing context from them', async () => {
    const headers = await new ErgoNodeClient({ urls: [url], apiKey: 'k3y' }).lastHeaders(10);
    assert.deepEqual(
      headers.map((h) => h.height),
      Array.from({ length: 10 }, (_, i) => 123405 + i),
    );
    assert.equal(headers[0]!.id, '57d1b3af4e969cf2a3ed86eb33aca6b03cd40d1dafa656d5364b60ba62d7fbc5');
    assert.equal(headers[9]!.id, '8d87fd4a7372877462ff7ecb52a6063207ffda2689f4de3254cc9a2877953f4f');
    // A pow `d` above 2^53 survives as a bigint.
    assert.equal(typeof headers[0]!.powSolutions, 'object');
    assert.equal(typeof (headers[0]!.powSolutions as { d: unknown }).d, 'bigint');
    assert.ok(
      seen.some((s) => s.path === '/blocks/lastHeaders/10' && s.apiKey === 'k3y'),
      'api_key header sent',
    );
    const context = stateContext(headers);
    assert.ok(context instanceof ergo.ErgoStateContext);
  });

  it('reads a full block whose 15 transaction ids ergo-lib recomputes from the parsed JSON', async () => {
    const block = await new ErgoNodeClient({ urls: [url] }).block(blockId);
    assert.ok(block !== undefined);
    assert.equal(block.header.height, 693479);
    assert.equal(block.header.id, blockId);
    const txs = block.blockTransactions.transactions;
    assert.equal(txs.length, 15);
    let recomputed = 0;
    for (const tx of txs) {
      for (const output of tx.outputs) assert.equal(toLibBox(output).box_id().to_str(), output.boxId);
      // Context-extension keys are integers ("0", "5", "10"): a JS object reorders them, and the
      // id covers their order. Such transactions only go to ergo-lib as the node's own text.
      const reordered = tx.inputs.some(
        (input) => Object.keys(input.spendingProof?.extension ?? {}).length > 1,
      );
      if (reordered) {
        assert.throws(() => ergo.Transaction.from_json(stringifyErgoJson(tx)), /differs/);
        continue;
      }
      assert.equal(ergo.Transaction.from_json(stringifyErgoJson(tx)).id().to_str(), tx.id);
      recomputed++;
    }
    assert.ok(recomputed >= 10, `${recomputed} of 15 recomputed`);
  });

  it('reads boxes with tokens and 32-byte registers; none of them reads as an anchor', async () => {
    const client = new ErgoNodeClient({ urls: [url] });
    const oracle = await client.utxo(oracleBox);
    assert.ok(oracle !== undefined);
    assert.equal(toLibBox(oracle).box_id().to_str(), oracleBox);
    const r6 = ergo.Constant.decode_from_base16(oracle.additionalRegisters.R6!).to_byte_array();
    assert.equal(
      Buffer.from(r6).toString('hex'),
      'f7ef73c4a4ab91b84bb0a2905108d534114472ec057be3a57a9dfc9b1fbd85c1',
    );
    assert.deepEqual(
      oracle.assets.map((a) => [a.tokenId.slice(0, 8), a.amount]),
      [['011d3364', 1]],
    );
    // It holds a singleton token in a box with a 32-byte register: still not our marker.
    assert.equal(decodeAnchorBox(oracle, oracle.assets[0]!.tokenId), undefined);
    const bank = await client.utxo(bankBox);
    assert.ok(bank !== undefined);
    assert.equal(bank.value, 1458253206733705);
    assert.equal(bank.assets.length, 3);
    assert.equal(await client.utxo('00'.repeat(32)), undefined, '404 is undefined');
  });
});

describe('ergo JSON is lossless', () => {
  it('keeps a token amount above 2^53 exact through parse and stringify (and ergo-lib agrees)', () => {
    const text = fixture('transactions/tx-7467d1db-mainnet-h693479-multi-token.json');
    const tx = parseErgoJson(text) as ErgoTransactionJson;
    const amounts = tx.outputs.flatMap((o) => o.assets.map((a) => a.amount));
    assert.ok(amounts.includes(9223371996546264297n));
    assert.equal(ergo.Transaction.from_json(stringifyErgoJson(tx)).id().to_str(), tx.id);
    assert.equal(ergo.Transaction.from_json(text).id().to_str(), tx.id);
  });

  it('parses every transaction and box fixture to the ids ergo-lib computes', () => {
    for (const name of [
      'transactions/tx-0e6acf3f-mainnet-oracle-datapoint-r5-coll32.json',
      'transactions/tx-9148408c-mainnet-h284761-emission.json',
      'transactions/tx-e2a4e542-mainnet-h693479-oracle-datapoint-r5-coll32.json',
    ]) {
      const tx = parseErgoJson(fixture(name)) as ErgoTransactionJson;
      assert.equal(ergo.Transaction.from_json(stringifyErgoJson(tx)).id().to_str(), tx.id, name);
      assert.ok(name.includes(tx.id.slice(0, 8)));
    }
    for (const name of [
      'boxes/utxo-byId-d47f958b.json',
      'boxes/utxo-byId-26d6e080.json',
      'boxes/utxo-byId-976c21fb.json',
    ]) {
      const box = parseErgoJson(fixture(name)) as ErgoBoxJson;
      assert.equal(toLibBox(box).box_id().to_str(), box.boxId, name);
    }
  });

  it('reads version-2 testnet headers too', () => {
    const headers = parseErgoJson(fixture('last-headers-10-testnet-141531.json')) as ErgoHeader[];
    assert.equal(headers.length, 10);
    assert.ok(stateContext(headers) instanceof ergo.ErgoStateContext);
  });
});

describe('ErgoNodeClient failure modes', () => {
  it('maps a refused transaction to REJECTED with the node reason, without retrying', async () => {
    let posts = 0;
    const { url, server } = await serve((req, _body, res) => {
      posts++;
      send(res, 400, '{"error":400,"reason":"bad.request","detail":"Input box 0 not found"}');
    });
    try {
      const error = await new ErgoNodeClient({ urls: [url] })
        .submitTransaction('{}')
        .catch((e: unknown) => e);
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, ChainErrorCode.Rejected);
      assert.match(error.message, /Input box 0 not found/);
      assert.equal(posts, 1);
    } finally {
      server.close();
    }
  });

  it('retries a 5xx and fails over to the next URL; UNAVAILABLE when none answers', async () => {
    let calls = 0;
    const flaky = await serve((_req, _body, res) => {
      calls++;
      send(res, 503, '{"error":503,"reason":"busy"}');
    });
    const good = await serve((_req, _body, res) => {
      send(res, 200, fixture('info.json'));
    });
    try {
      const info = await new ErgoNodeClient({ urls: [flaky.url, good.url], backoffMs: 1 }).info();
      assert.equal(info.fullHeight, 1331111);
      assert.equal(calls, 1);
      const error = await new ErgoNodeClient({ urls: [flaky.url], retries: 2, backoffMs: 1 })
        .info()
        .catch((e: unknown) => e);
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, ChainErrorCode.Unavailable);
      assert.equal(calls, 4, 'one try and two retries');
    } finally {
      flaky.server.close();
      good.server.close();
    }
  });

  it('gives up on a silent node after the timeout', async () => {
    const { url, server } = await serve(() => undefined);
    try {
      const started = performance.now();
      const error = await new ErgoNodeClient({ urls: [url], timeoutMs: 100, retries: 0 })
        .info()
        .catch((e: unknown) => e);
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, ChainErrorCode.Unavailable);
      assert.ok(performance.now() - started < 5_000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses malformed answers with RPC_ERROR and bad ids before asking', async () => {
    const { url, server } = await serve((_req, _body, res) => {
      send(res, 200, '{"fullHeight":"high"}');
    });
    try {
      const error = await new ErgoNodeClient({ urls: [url] }).info().catch((e: unknown) => e);
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, ChainErrorCode.RpcError);
      await assert.rejects(new ErgoNodeClient({ urls: [url] }).utxo('xyz'), /64-hex/);
    } finally {
      server.close();
    }
  });
});
